///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase write: through the leader, create the test database and type if absent and insert a marked row; each follower returns it at once to a linearizable read and to a read with the write's bookmark.
package ha.scripts;

import ha.Cli;
import ha.CommonOptions;
import ha.Node;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseRunner;
import ha.Rows;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-write", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = "Writes through the leader: creates the test database and the HaRow type if absent, then inserts "
                + "one row whose marker is unique to this run.")
public class HaWrite implements Phase, Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "write";
    }

    @Override
    public String summary() {
        return "create the test database if absent and insert a marked row through the leader";
    }

    @Override
    public void run(PhaseContext ctx) {
        Node leader = ctx.cluster().awaitLeader("every node to name the same leader", ctx.timeout());
        ctx.rows().ensureSchema(leader, ctx.timeout());
        String marker = ctx.runId() + "-write";
        ctx.rows().insertAcknowledged(leader, marker, name(), ctx.timeout());
        ctx.shared().put(Rows.WRITTEN_MARKER, marker);
        ctx.figure("marker", marker);
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaWrite(), args));
    }
}
