///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase write: through the leader, create the test database and type if absent and insert a marked row; each follower returns it at once to a linearizable read and to a read with the write's bookmark.
package ha.scripts;

import ha.client.ArcadeClient;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseFailure;
import ha.run.Cli;
import ha.run.Phase;
import ha.run.PhaseContext;
import ha.run.PhaseScript;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "ha-write", description = {HaWrite.PURPOSE, "",
            "Writes through the leader: creates the test database and the HaRow type if absent, then inserts "
                + "one row whose marker is unique to this run. Right after the write every follower must return the row to "
                + "a linearizable read and to a read with the write's bookmark (X-ArcadeDB-Read-After), without waiting; "
                + "how many followers a default (eventual) read found behind is reported, not judged."})
public class HaWrite extends PhaseScript {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaWrite(), args));
    }

    static final String PURPOSE = "through the leader, create the test database and type if absent and insert a marked row; each follower returns it at once to a linearizable read and to a read with the write's bookmark";

    @Override
    public void run(PhaseContext ctx) {
        Node leader = ctx.awaitLeader();
        ctx.ensureSchema(leader);
        String marker = ctx.runId() + "-write";
        Long bookmark = ctx.insertAcknowledged(leader, marker);
        ctx.state().wrote(marker);
        ctx.figure("marker", marker);
        readOnFollowersAtOnce(ctx, leader, marker, bookmark);
    }

    /**
     * Reads after the write on each follower (reference §6.5). First one default (eventual) read, which may lag and is
     * only counted (an error counts as behind); then the first answer to a linearizable read, and to a read-your-writes
     * read with the bookmark from the write's answer, must hold the row (a read that got no answer is sent again).
     */
    private static void readOnFollowersAtOnce(PhaseContext ctx, Node leader, String marker, Long bookmark) {
        List<Node> followers = ctx.target().nodes().stream().filter(n -> !n.equals(leader)).toList();
        List<String> eventualBehind = new ArrayList<>();
        for (Node node : followers) {
            boolean holds;
            try {
                holds = ctx.rows().holdsNow(node, marker, "eventual", null);
            } catch (RuntimeException unanswered) {
                holds = false;
            }
            if (!holds) {
                eventualBehind.add(node.name());
            }
        }
        ctx.figure("followers behind an eventual read", eventualBehind.isEmpty() ? "none" : String.join(", ", eventualBehind));
        for (Node node : followers) {
            if (!ctx.holdsAtFirstAnswer(node, marker, "linearizable", null)) {
                throw new PhaseFailure("expected a linearizable read on " + node + " right after the write to return " + marker
                        + ", saw no such row");
            }
            if (bookmark != null && !ctx.holdsAtFirstAnswer(node, marker, "read_your_writes", bookmark)) {
                throw new PhaseFailure("expected a read on " + node + " with the write's bookmark (X-ArcadeDB-Read-After: " + bookmark
                        + ") to return " + marker + ", saw no such row");
            }
        }
        if (bookmark == null) {
            Log.step("the write's answer carried no %s header: the bookmark read was not tried", ArcadeClient.COMMIT_INDEX);
        }
    }
}
