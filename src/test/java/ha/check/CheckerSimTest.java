package ha.check;

import ha.check.Checker.Verdict;
import ha.core.Node;
import ha.support.kube.KubeSim;
import ha.target.kube.KubeTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checker against the simulator: writes through every node recorded in a History, then each fault the
 * simulator can inject shows up under its class, with the node that acknowledged the row.
 */
class CheckerSimTest {
    private static final String DB = "checkerdb";
    private static final String PHASE = "checker-sim";
    private static final Duration SETTLE = Duration.ofSeconds(60);

    /** Writes {@code n} rows through node i mod size, recording each attempt; returns the markers. */
    private static List<String> writeThroughEveryNode(KubeTarget target, Rows rows, History history, String runId, int n) {
        List<String> markers = new ArrayList<>();
        List<Node> nodes = target.nodes();
        for (int i = 0; i < n; i++) {
            Node via = nodes.get(i % nodes.size());
            String marker = String.format("%s-%03d", runId, i);
            long id = history.sent(marker, PHASE, via.name());
            try {
                rows.insert(via, marker, PHASE);
                history.answered(id, History.Outcome.ACKNOWLEDGED, null);
            } catch (RuntimeException e) {
                history.failedOrIndeterminate(id, e);
            }
            markers.add(marker);
        }
        return markers;
    }

    /** The schema through the leader, then seen on every node: a follower without it yet refuses a write sent to it. */
    private static void ensureSchemaOnEveryNode(KubeTarget target, ClusterOps ops, Rows rows) {
        rows.ensureSchema(ops.awaitLeader("a leader for the checker test", Duration.ofSeconds(30)), Duration.ofSeconds(30));
        ha.core.Wait.until("every node to hold the test type", ha.core.Wait.HTTP_POLL, Duration.ofSeconds(30),
                () -> target.nodes().stream().map(rows::markers).toList(), all -> true);
    }

    private static String nodeOf(History history, String marker) {
        return history.ops().stream().filter(o -> o.marker().equals(marker)).findFirst().orElseThrow().node();
    }

    @Test
    void eachInjectedFaultLandsInItsClassWithTheAcknowledgingNode() {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            ClusterOps ops = new ClusterOps(target);
            Rows rows = new Rows(target, DB);
            ensureSchemaOnEveryNode(target, ops, rows);
            History history = new History();
            String runId = "chk1";
            Predicate<String> ours = m -> m.startsWith(runId + "-");
            history.event(PHASE, "phase-start", null, null);
            List<String> markers = writeThroughEveryNode(target, rows, history, runId, 12);
            assertEquals(12, history.ops().stream().filter(o -> o.outcome() == History.Outcome.ACKNOWLEDGED).count(), history.ops().toString());

            Verdict clean = ha.check.SettledRead.awaitSettledAndCheck(target, ops, rows, history, PHASE, ours, SETTLE);
            assertTrue(clean.ok(), clean.message());
            assertEquals("all 12 acknowledged rows on every node (0 failed, 0 indeterminate of which 0 present)", clean.message());

            String lost = markers.get(3);
            String missing = markers.get(5);
            String twice = markers.get(7);
            String invented = runId + "-invented";
            history.event(PHASE, "fault", nodeOf(history, lost), "row faults injected");
            cluster.sim().faults().loseRowEverywhere(lost);
            cluster.sim().faults().loseRow(2, missing);
            cluster.sim().faults().duplicateRow(1, twice);
            cluster.sim().faults().inventRow(0, DB, Rows.TYPE, invented);

            long start = System.nanoTime();
            Verdict v = ha.check.SettledRead.awaitSettledAndCheck(target, ops, rows, history, PHASE, ours, SETTLE);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertFalse(v.ok());
            assertEquals(List.of(lost), v.lost());
            assertEquals(Map.of(missing, List.of("test-arcadedb-2")), v.missing());
            assertEquals(Map.of("test-arcadedb-1", List.of(twice)), v.duplicated());
            assertEquals(Map.of("test-arcadedb-0", List.of(invented)), v.unexpected());
            String msg = v.message();
            assertTrue(msg.startsWith("LOST 1 acknowledged row (present on no node): " + lost + " (acknowledged by "
                    + nodeOf(history, lost) + " at +"), msg);
            assertTrue(msg.contains("before it had a fault)"), msg);
            assertTrue(msg.contains("; MISSING 1 acknowledged row (present on some nodes but not all): " + missing
                    + " lacking on test-arcadedb-2 (acknowledged by " + nodeOf(history, missing)), msg);
            assertTrue(msg.contains("; UNEXPECTED 1 row never attempted: on test-arcadedb-0 " + invented), msg);
            assertTrue(msg.contains("; DUPLICATED 1 row held more than once: on test-arcadedb-1 " + twice), msg);
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "decided once settled, not at the 60 s deadline: " + took);

            assertEquals(1, v.counts().get("lost"));
            assertEquals(1, v.counts().get("missing"));
            assertEquals(1, v.counts().get("unexpected"));
            assertEquals(1, v.counts().get("duplicated"));
        }
    }

    @Test
    void aClusterThatDoesNotSettleIsStillCheckedAndSaysWhatItSawLast() {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            ClusterOps ops = new ClusterOps(target);
            Rows rows = new Rows(target, DB);
            ensureSchemaOnEveryNode(target, ops, rows);
            History history = new History();
            Predicate<String> ours = m -> m.startsWith("chk2-");
            writeThroughEveryNode(target, rows, history, "chk2", 6);
            Verdict settled = ha.check.SettledRead.awaitSettledAndCheck(target, ops, rows, history, PHASE, ours, SETTLE);
            assertTrue(settled.ok(), settled.message());

            cluster.sim().faults().stallFollower(2, true);      // never HEALTHY again while the leader sees lag grow
            cluster.sim().setSetting("arcadedb.ha.replicationLagWarning", "1");
            writeThroughEveryNode(target, rows, history, "chk2-more", 4);
            Verdict v = ha.check.SettledRead.awaitSettledAndCheck(target, ops, rows, history, PHASE, ours, Duration.ofSeconds(4));
            assertFalse(v.ok(), v.message());
            assertTrue(v.message().startsWith("MISSING 4 acknowledged rows"), v.message());
            assertTrue(v.message().contains("lacking on test-arcadedb-2"), v.message());
            assertTrue(v.message().contains("the cluster did not settle within 4.0 s; last seen: "), v.message());
        }
    }
}
