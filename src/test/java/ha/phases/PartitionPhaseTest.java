package ha.phases;

import ha.core.Wait;
import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.run.PhaseResult;
import ha.scripts.HaPartition;
import ha.target.kube.KubeChaos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * partition through the Kubernetes target: the mock API server plays Chaos Mesh (its CRD, NetworkChaos applied to the
 * simulator's nodes), the simulator models a node cut off from all the others. Passing in both shapes, skipped without
 * Chaos Mesh, failing on what the phase exists to catch.
 */
class PartitionPhaseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SHORT = Duration.ofSeconds(4);
    private static final Duration CUT = Duration.ofSeconds(1);

    @TempDir
    Path reports;

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected «" + part + "» in: " + message);
        }
    }

    private static void assertNoNetworkChaosLeft(KubeSim cluster) {
        List<?> left = cluster.kube().client().genericKubernetesResources(KubeChaos.NETWORK_CHAOS).list().getItems();
        assertEquals(List.of(), left, "no NetworkChaos is left after the phase");
        Wait.until("the stand-in to lift every cut", Duration.ofMillis(20), TIMEOUT, () -> cluster.kube().chaosMesh().applied(), List::isEmpty);
    }

    @Test
    void theMajorityElectsALeaderAndEveryNodeConvergesAfterTheHeal() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            Wait.until("a leader", Duration.ofMillis(20), TIMEOUT, () -> cluster.sim().leaderOrdinal(), l -> l != null);
            int before = cluster.sim().leaderOrdinal();
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaPartition().shape("leader", CUT));
            assertEquals(PhaseResult.Status.passed, r.status(), r.message());
            assertTrue(r.figures().containsKey("time to new leader") && r.figures().containsKey("converged after heal"), r.figures().toString());
            assertTrue(!r.figures().get("new leader").equals("test-arcadedb-" + before), "a node of the majority leads: " + r.figures());
            assertContains(String.valueOf(r.figures().get("writes during the cut")), "majority ", " acknowledged, cut-off test-arcadedb-" + before);
            List<String> chaos = cluster.kube().chaosMesh().history();
            assertEquals(2, chaos.size(), "one NetworkChaos applied, then lifted: " + chaos);
            assertContains(chaos.get(0), "applied test-arcadedb-partition-1 [test-arcadedb-" + before + "] | ");
            assertContains(chaos.get(1), "lifted test-arcadedb-partition-1");
            assertNoNetworkChaosLeft(cluster);
        }
    }

    @Test
    void aCutOffFollowerLeavesTheLeaderInPlace() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            Wait.until("a leader", Duration.ofMillis(20), TIMEOUT, () -> cluster.sim().leaderOrdinal(), l -> l != null);
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaPartition().shape("follower", CUT));
            assertEquals(PhaseResult.Status.passed, r.status(), r.message());
            assertContains(String.valueOf(r.figures().get("majority leader")), "(unchanged)");
            assertNoNetworkChaosLeft(cluster);
        }
    }

    @Test
    void theFaultRecordsTheCutAndTheHealInTheHistory() throws Exception {
        try (KubeSim cluster = KubeSim.builder().start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaPartition().shape("leader", CUT));
            assertEquals(PhaseResult.Status.passed, r.status(), r.message());
            Path history = Files.walk(reports).filter(p -> p.getFileName().toString().equals("history.jsonl")).findFirst().orElseThrow();
            String text = Files.readString(history);
            assertContains(text, "\"kind\":\"partitioned\"", "cut off from [", "\"kind\":\"healed\"", "cut lifted after ");
        }
    }

    @Test
    void withoutChaosMeshThePhaseIsSkippedWithOneLine() {
        try (KubeSim cluster = KubeSim.builder().api(k -> k.chaosMesh(false)).start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaPartition().shape("leader", CUT));
            assertEquals(PhaseResult.Status.skipped, r.status(), r.message());
            assertEquals("Chaos Mesh is not installed (no CRD networkchaos.chaos-mesh.org): the partition phase needs its NetworkChaos",
                    r.message());
        }
    }

    @Test
    void failsWhenTheMajorityElectsNoLeader() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            Wait.until("a leader", Duration.ofMillis(20), TIMEOUT, () -> cluster.sim().leaderOrdinal(), l -> l != null);
            cluster.sim().faults().neverElect(true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaPartition().shape("leader", CUT));
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for the majority [test-arcadedb-", "to agree on a leader elected in a new term; last seen: {");
            cluster.sim().faults().neverElect(false);
            assertNoNetworkChaosLeft(cluster);
        }
    }

    @Test
    void failsWhenAnAcknowledgedRowIsMissingOnANodeAfterTheHeal() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.sim().faults().loseRow(1, "lost-run-partition-majority-02");
            PhaseResult r = Scenario.run(cluster, reports, SHORT, "lost-run", new HaPartition().shape("leader", CUT)).get(0);
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertTrue(r.message().startsWith("MISSING 1 acknowledged row"), r.message());
            assertContains(r.message(), "lost-run-partition-majority-02 lacking on test-arcadedb-1 (acknowledged by test-arcadedb-");
        }
    }

    @Test
    void aLeaderCutOffInTheSimulatorLosesItsLeadershipToTheOthers() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            Wait.until("a leader", Duration.ofMillis(20), TIMEOUT, () -> cluster.sim().leaderOrdinal(), l -> l != null);
            int leader = cluster.sim().leaderOrdinal();
            cluster.sim().faults().cutOff(leader, true);
            Integer elected = Wait.until("the others to elect a leader", Duration.ofMillis(20), TIMEOUT, () -> cluster.sim().leaderOrdinal(),
                    l -> l != null && l != leader);
            assertTrue(elected != leader, "a node of the majority leads");
            cluster.sim().faults().cutOff(leader, false);
        }
    }
}
