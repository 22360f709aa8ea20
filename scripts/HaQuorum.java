///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase quorum: every node names the same leader, that leader is one of the nodes and reports leaderReady.
package ha.scripts;

import ha.Cli;
import ha.CommonOptions;
import ha.Node;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseRunner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-quorum", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = {HaQuorum.PURPOSE, "",
            "Checks Raft leader consensus: every node names the same non-null leaderId, that leader is one of "
                + "the nodes and says so itself, and it reports leaderReady where the server version has the field (26.8.1+)."})
public class HaQuorum implements Phase, Callable<Integer> {
    static final String PURPOSE = "every node names the same leader, that leader is one of the nodes and reports leaderReady";

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "quorum";
    }

    @Override
    public String summary() {
        return PURPOSE;
    }

    @Override
    public void run(PhaseContext ctx) {
        Node leader = ctx.awaitLeader();
        ctx.figure("leader", leader.name());
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaQuorum(), args));
    }
}
