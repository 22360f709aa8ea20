///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase read: every row the leader holds is readable on the leader and on every follower.
package ha.scripts;

import ha.check.Rows;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseFailure;
import ha.run.Cli;
import ha.run.Phase;
import ha.run.PhaseContext;
import ha.run.PhaseScript;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = "ha-read", description = {HaRead.PURPOSE, "",
            "Reads back on every node, not just the leader: every HaRow the leader holds (including the row "
                + "the write phase inserted, when run by the driver; run alone, it inserts a row of its own first) becomes "
                + "readable on each follower within --timeout."})
public class HaRead extends PhaseScript {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaRead(), args));
    }

    static final String PURPOSE = "every row the leader holds is readable on the leader and on every follower";

    @Override
    public void run(PhaseContext ctx) {
        Node leader = ctx.awaitLeader();
        String written = ctx.state().writtenMarker();
        if (written == null) {
            written = writeOwnRow(ctx, leader);
        }
        Set<String> onLeader = ctx.until("the leader " + leader + " to return the rows of " + Rows.TYPE,
                () -> ctx.rows().markers(leader), rows -> true);
        if (onLeader.isEmpty()) {
            throw new PhaseFailure("expected rows of " + Rows.TYPE + " in database '" + ctx.rows().database()
                    + "' on the leader " + leader + ", saw none");
        }
        if (!onLeader.contains(written)) {
            throw new PhaseFailure("expected the leader " + leader + " to return the row " + written
                    + " inserted by this run, saw " + onLeader.size() + " rows without it");
        }
        ctx.awaitOnEveryNode(onLeader);
        ctx.figure("rows checked per node", onLeader.size());
    }

    /** Without the write phase before it (a run of this phase alone, e.g. on a fresh local cluster): a row of its own to read. */
    private String writeOwnRow(PhaseContext ctx, Node leader) {
        String marker = ctx.runId() + "-read";
        Log.step("the write phase did not run before: inserting the row %s through the leader %s to read back", marker, leader);
        ctx.ensureSchema(leader);
        ctx.insertAcknowledged(leader, marker);
        return marker;
    }
}
