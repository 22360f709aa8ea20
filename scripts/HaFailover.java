///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase failover: kill the leader under a steady write load; a new leader is elected and no acknowledged write is lost.
package ha.scripts;

import ha.BackgroundWriter;
import ha.Cli;
import ha.ClusterOps;
import ha.CommonOptions;
import ha.Log;
import ha.Node;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseRunner;
import ha.Rows;
import ha.Target;
import ha.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-failover", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = "Leader failover without losing an acknowledged write: a background writer inserts numbered rows "
                + "through whichever node leads and records which inserts were acknowledged; the leader's pod is deleted; "
                + "the surviving nodes elect a new leader within --timeout (the election time is printed); afterwards every "
                + "acknowledged row is present on every node. Unacknowledged rows may or may not be; duplicates are reported.")
public class HaFailover implements Phase, Callable<Integer> {
    private static final Duration WRITE_INTERVAL = Duration.ofMillis(100);
    private static final int MAX_ROWS = 3000;
    private static final int WRITES_BEFORE_AND_AFTER = 5;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "failover";
    }

    @Override
    public String summary() {
        return "kill the leader under write load; a new leader is elected and no acknowledged write is lost";
    }

    @Override
    public void run(PhaseContext ctx) {
        Target target = ctx.target();
        ClusterOps cluster = ctx.cluster();
        Node oldLeader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
        ctx.rows().ensureSchema(oldLeader, ctx.timeout());
        String oldLeaderId = target.peerIdOf(oldLeader);

        try (BackgroundWriter writer = new BackgroundWriter(target, ctx.rows(), ctx.runId() + "-failover", name(), WRITE_INTERVAL, MAX_ROWS)) {
            writer.awaitMoreAcknowledged(WRITES_BEFORE_AND_AFTER, ctx.timeout());
            String incarnation = target.incarnation(oldLeader);
            Log.step("deleting the leader %s", oldLeader);
            long t0 = System.nanoTime();
            target.deleteNode(oldLeader, false);

            ClusterOps.Views elected = Wait.until("the surviving nodes to elect a new leader", Wait.HTTP_POLL, ctx.timeout(),
                    cluster::views, views -> electedOther(views, oldLeaderId, oldLeader));
            Node newLeader = target.nodeOfPeer(elected.agreedLeaderIdAmongAnswering());
            ctx.figure("election time", Log.seconds(Duration.ofNanos(System.nanoTime() - t0)));
            ctx.figure("new leader", newLeader.name());

            target.awaitReplacement(oldLeader, incarnation, ctx.timeout());
            cluster.awaitLeader("every node, the replaced one too, to name the same leader", ctx.timeout());
            writer.awaitMoreAcknowledged(WRITES_BEFORE_AND_AFTER, ctx.timeout());
            writer.stop();

            Set<String> acknowledged = writer.acknowledged();
            List<String> unacknowledged = writer.unacknowledged();
            ctx.figure("writes acknowledged", acknowledged.size());
            ctx.figure("writes not acknowledged", unacknowledged.size());
            ctx.rows().awaitOnEveryNode(acknowledged, ctx.timeout());
            reportUnacknowledgedAndDuplicates(ctx, unacknowledged);
        }
    }

    /** Every answering node (at least a majority) names one ready leader that is not the deleted one. */
    private static boolean electedOther(ClusterOps.Views views, String oldLeaderId, Node oldLeader) {
        String agreed = views.agreedLeaderIdAmongAnswering();
        if (agreed == null || agreed.equals(oldLeaderId)) {
            return false;
        }
        return views.all().stream().anyMatch(v -> v.answered() && !v.node().equals(oldLeader) && v.status().leader()
                && !Boolean.FALSE.equals(v.status().leaderReady()));
    }

    private static void reportUnacknowledgedAndDuplicates(PhaseContext ctx, List<String> unacknowledged) {
        for (Node node : ctx.target().nodes()) {
            List<String> held = ctx.rows().markerList(node);
            List<String> duplicates = Rows.duplicates(held);
            long kept = unacknowledged.stream().filter(held::contains).count();
            Log.step("%s: %d rows, %d of %d unacknowledged writes present, %d duplicated%s", node, held.size(), kept,
                    unacknowledged.size(), duplicates.size(), duplicates.isEmpty() ? "" : " " + duplicates.subList(0, Math.min(10, duplicates.size())));
            if (!duplicates.isEmpty()) {
                ctx.figure("duplicates on " + node.name(), duplicates.size());
            }
        }
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaFailover(), args));
    }
}
