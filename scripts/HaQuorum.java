///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase quorum: every node names the same leader, that leader is one of the nodes and reports leaderReady.
package ha.scripts;

import ha.core.Node;
import ha.run.Cli;
import ha.run.Phase;
import ha.run.PhaseContext;
import ha.run.PhaseScript;
import picocli.CommandLine.Command;

@Command(name = "ha-quorum", description = {HaQuorum.PURPOSE, "",
            "Checks Raft leader consensus: every node names the same non-null leaderId, that leader is one of "
                + "the nodes and says so itself, and it reports leaderReady where the server version has the field (26.8.1+)."})
public class HaQuorum extends PhaseScript {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaQuorum(), args));
    }

    static final String PURPOSE = "every node names the same leader, that leader is one of the nodes and reports leaderReady";

    @Override
    public void run(PhaseContext ctx) {
        Node leader = ctx.awaitLeader();
        ctx.figure("leader", leader.name());
    }
}
