package ha.phases;

import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.support.real.IndependentCheck;
import ha.run.PhaseResult;
import ha.run.WriteVia;
import ha.scripts.HaFailover;
import ha.scripts.HaRollingRestart;
import ha.support.sim.Timings;
import ha.target.kube.KubeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three places --write-via sends the background writes, against a simulator that, like ArcadeDB 26.8.1, answers
 * HTTP on a restarting node before its HA has started and loses what it commits then (the restart window, here 1 s so
 * that writes reach it). Through the client Service's ready pods and through the self-declared leader nothing is lost;
 * sent to every node in turn, the window's writes are lost and classed as acknowledged by a node that was not ready.
 */
class WriteViaModesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Timings WINDOW = Timings.fast().withHaStartDelay(Duration.ofSeconds(1));

    @TempDir
    Path reports;

    private static KubeSim cluster() {
        return KubeSim.builder().api(k -> k.persistence(true)).timings(WINDOW).start();
    }

    private List<PhaseResult> run(KubeSim cluster, WriteVia via) {
        try (KubeTarget target = cluster.target()) {
            return Scenario.run(target, reports, TIMEOUT, "modes-" + via, via, new HaFailover(), new HaRollingRestart());
        }
    }

    private List<com.fasterxml.jackson.databind.JsonNode> ops() throws java.io.IOException {
        return IndependentCheck.historyOps(reports.resolve("history.jsonl"));
    }

    @Test
    void throughTheClientServiceOnlyReadyNodesGetWritesAndNothingIsLost() throws Exception {
        try (KubeSim cluster = cluster()) {
            List<PhaseResult> results = run(cluster, WriteVia.SERVICE);
            results.forEach(r -> assertEquals(PhaseResult.Status.passed, r.status(), r.name() + ": " + r.message()));
            List<com.fasterxml.jackson.databind.JsonNode> sent = ops().stream()
                    .filter(op -> op.path("marker").asText().contains("-failover-") || op.path("marker").asText().contains("-rolling-")).toList();
            assertTrue(sent.size() > 20, "the writers wrote: " + sent.size());
            assertTrue(sent.stream().allMatch(op -> op.path("nodeReady").asBoolean(false)),
                    "every background write went to a node the Service routed to: " + sent.stream().filter(op -> !op.path("nodeReady").asBoolean(false)).toList());
        }
    }

    @Test
    void throughTheSelfDeclaredLeaderNothingIsLost() throws Exception {
        try (KubeSim cluster = cluster()) {
            List<PhaseResult> results = run(cluster, WriteVia.LEADER);
            results.forEach(r -> assertEquals(PhaseResult.Status.passed, r.status(), r.name() + ": " + r.message()));
            long acknowledged = ops().stream().filter(op -> "ACKNOWLEDGED".equals(op.path("outcome").asText())
                    && op.path("marker").asText().contains("-rolling-")).count();
            assertTrue(acknowledged > 10, "rolling-restart's writes were acknowledged: " + acknowledged);
        }
    }

    @Test
    void toEveryNodeTheRestartWindowsWritesAreLostAndClassedNotReady() throws Exception {
        try (KubeSim cluster = cluster(); KubeTarget target = cluster.target()) {
            PhaseResult rolling = Scenario.run(target, reports, TIMEOUT, "every-node", WriteVia.EVERY_NODE, new HaRollingRestart()).get(0);
            assertEquals(PhaseResult.Status.failed, rolling.status(), rolling.message());
            assertTrue(rolling.message().startsWith("LOST") || rolling.message().startsWith("MISSING"), rolling.message());
            assertTrue(rolling.message().contains("while it was not ready (its new process had started "), rolling.message());
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> writes = (java.util.Map<String, Object>) rolling.figures().get("writes");
            @SuppressWarnings("unchecked")
            java.util.Map<String, Integer> lost = (java.util.Map<String, Integer>) writes.get("lostByNodeReadiness");
            @SuppressWarnings("unchecked")
            java.util.Map<String, Integer> missing = (java.util.Map<String, Integer>) writes.get("missingByNodeReadiness");
            assertTrue(lost.get("not-ready") + missing.get("not-ready") > 0, "rows lost or missing by the acknowledging node's readiness: " + writes);
            assertEquals(0, lost.get("ready") + lost.get("not-looked"), "every lost row was acknowledged by a node that was not ready: " + writes);
            // a row a ready node acknowledged may be missing only on nodes that themselves acknowledged writes while not ready
            java.util.Set<String> wroteWhileNotReady = new java.util.TreeSet<>();
            java.util.Map<String, Boolean> readyWhenAcknowledged = new java.util.HashMap<>();
            for (var op : ops()) {
                if ("ACKNOWLEDGED".equals(op.path("outcome").asText())) {
                    readyWhenAcknowledged.putIfAbsent(op.path("marker").asText(), op.path("nodeReady").asBoolean(true));
                    if (!op.path("nodeReady").asBoolean(true)) {
                        wroteWhileNotReady.add(op.path("node").asText());
                    }
                }
            }
            @SuppressWarnings("unchecked")
            java.util.Map<String, List<String>> missingRows = (java.util.Map<String, List<String>>) rolling.figures()
                    .getOrDefault("missing rows", java.util.Map.of());
            missingRows.forEach((marker, lacking) -> assertTrue(!readyWhenAcknowledged.get(marker) || wroteWhileNotReady.containsAll(lacking),
                    marker + " was acknowledged by a ready node and lacks on " + lacking + ", not only on nodes that wrote while not ready "
                            + wroteWhileNotReady));
            assertFalse(ops().stream().noneMatch(op -> "ACKNOWLEDGED".equals(op.path("outcome").asText())
                    && !op.path("nodeReady").asBoolean(true)), "some write was acknowledged by a node that was not ready");
        }
    }
}
