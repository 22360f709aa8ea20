package ha.phases;

import ha.run.CommonOptions;
import ha.core.ReportOptions;
import ha.core.Wait;
import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.run.PhaseResult;
import ha.run.PhaseRunner;
import ha.run.RunReport;
import ha.target.kube.KubeTarget;
import ha.scripts.HaFailover;
import ha.scripts.HaRollingRestart;
import ha.scripts.HaScaleUp;
import ha.scripts.HaSnapshotRecovery;
import ha.scripts.HaWrite;
import ha.support.sim.NodeListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scale-up, snapshot-recovery, failover and rolling-restart: passing, and failing on the faults they exist to catch. */
class DisruptivePhasesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SHORT = Duration.ofSeconds(4);

    @TempDir
    Path reports;

    @AfterEach
    void forgetHelm() {
        System.clearProperty("ha.helm");
    }

    private static void useFakeHelm(KubeSim cluster) {
        System.setProperty("ha.helm", cluster.kube().fakeBin().resolve("helm").toString());
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected «" + part + "» in: " + message);
        }
    }

    private static void assertPassed(PhaseResult r) {
        assertEquals(PhaseResult.Status.passed, r.status(), r.name() + ": " + r.message());
    }

    // ------------------------------------------------------------------ scale-up

    @ParameterizedTest(name = "ArcadeDB {0}")
    @ValueSource(strings = {"26.8.1", "26.7.3"})
    void scaleUpJoinsTheNewPeersAndScalesBack(String version) {
        // 26.7.3 does not join on its own, and with the chart's HA-aware readiness a node outside the Raft configuration
        // is never ready, while the phase adds the new peers only after the StatefulSet has rolled out: on that version it
        // runs with plain readiness
        KubeSim.Builder builder = KubeSim.builder().version(version);
        if (version.startsWith("26.7")) {
            builder.setting("arcadedb.server.readinessRequiresHA", "false");
        }
        try (KubeSim cluster = builder.start()) {
            useFakeHelm(cluster);
            assertPassed(Scenario.runOne(cluster, reports, TIMEOUT, new HaWrite()));
            assertPassed(Scenario.runOne(cluster, reports, TIMEOUT, new HaScaleUp()));
            assertEquals(3, cluster.kube().client().apps().statefulSets().withName("test-arcadedb").get().getSpec().getReplicas());
            assertEquals(3, cluster.sim().members().size(), "the extra peers were removed from the Raft configuration");
        }
    }

    @Test
    void scaleUpKeepsTheNewNodesWhenAsked() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            useFakeHelm(cluster);
            assertPassed(Scenario.runOne(cluster, reports, TIMEOUT, new HaScaleUp().scaling(5, true)));
            assertEquals(5, cluster.sim().members().size());
            assertEquals(1, cluster.sim().rowCount(4, "integration-test", "HaRow"), "the new node holds the row written before");
        }
    }

    @Test
    void scaleUpFailsWhenANewPeerNeverJoins() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            useFakeHelm(cluster);
            cluster.sim().addListener(new NodeListener() {
                @Override
                public void nodeAdded(int ordinal, int httpPort) {
                    if (ordinal == 4) {
                        cluster.sim().faults().notStarted(4, true);
                    }
                }
            });
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaScaleUp());
            // a node whose HA never starts is never ready, so the rollout of the new size does not complete
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for StatefulSet test-arcadedb rolled out; last seen:", "replicas 5", "ready 4");
        }
    }

    @Test
    void scaleUpWithoutHelmSaysSo() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            System.setProperty("ha.helm", "/nonexistent/bin/helm");
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaScaleUp());
            assertEquals(PhaseResult.Status.failed, r.status());
            assertContains(r.message(), "/nonexistent/bin/helm is not installed or not on PATH");
        }
    }

    // ------------------------------------------------------------------ snapshot-recovery

    private static KubeSim.Builder lowSnapshotThreshold() {
        return KubeSim.builder().setting("arcadedb.ha.snapshotThreshold", "20").setting("arcadedb.ha.logPurgeGap", "5")
                .setting("arcadedb.ha.logSegmentSize", "1MB");
    }

    @Test
    void snapshotRecoveryBringsAWipedFollowerBack() {
        try (KubeSim cluster = lowSnapshotThreshold().start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaSnapshotRecovery());
            assertPassed(r);
            assertContains(String.valueOf(r.figures().get("snapshot install")), "mode=snapshot");
            assertEquals(cluster.sim().rowCount(0, "integration-test", "HaRow"), cluster.sim().rowCount(2, "integration-test", "HaRow"));
        }
    }

    @Test
    void snapshotRecoveryIsSkippedWithoutALowThreshold() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaSnapshotRecovery());
            assertEquals(PhaseResult.Status.skipped, r.status());
            assertContains(r.message(), "the install does not set arcadedb.ha.snapshotThreshold", "--set ha.snapshotThreshold=20",
                    "--set ha.logSegmentSize=1MB");
        }
    }

    @Test
    void snapshotRecoveryIsSkippedWithoutASmallLogSegment() {
        try (KubeSim cluster = KubeSim.builder().setting("arcadedb.ha.snapshotThreshold", "20").setting("arcadedb.ha.logPurgeGap", "5").start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaSnapshotRecovery());
            assertEquals(PhaseResult.Status.skipped, r.status());
            assertContains(r.message(), "the install does not set arcadedb.ha.logSegmentSize", "Ratis deletes only whole closed segments");
        }
    }

    @Test
    void snapshotRecoveryFailsWhenTheReplacementNeverBecomesReady() {
        try (KubeSim cluster = lowSnapshotThreshold().start()) {
            cluster.kube().neverReady(2);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaSnapshotRecovery());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for pod test-arcadedb-2 to be replaced (new UID) and Ready; last seen: pod uid ",
                    ", phase Running, not Ready");
        }
    }

    @Test
    void snapshotRecoveryFailsWhenTheRecoveredFollowerStopsReceivingRows() {
        try (KubeSim cluster = lowSnapshotThreshold().start()) {
            for (int i = 1; i <= 5; i++) {
                cluster.sim().faults().loseRow(2, String.format("gone-run-after-return-%05d", i));   // they never reach node 2
            }
            PhaseResult r = Scenario.run(cluster, reports, SHORT, "gone-run", new HaSnapshotRecovery()).get(0);
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for test-arcadedb-2 to receive the 5 rows written after it came back; last seen: "
                    + "test-arcadedb-2 holds 0 of the 5 expected rows", "missing (first 10 of 5): ", "-after-return-00001");
        }
    }

    // ------------------------------------------------------------------ failover

    @Test
    void failoverElectsANewLeaderAndLosesNoAcknowledgedWrite() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaFailover());
            assertPassed(r);
            assertTrue(r.figures().containsKey("election time"), r.figures().toString());
            assertTrue(r.figures().containsKey("new leader") && r.figures().containsKey("restarted node re-elected"), r.figures().toString());
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> writes = (java.util.Map<String, Object>) r.figures().get("writes");
            assertTrue((Integer) writes.get("acknowledged") >= 10, r.figures().toString());
            assertEquals(0, writes.get("lost"), r.figures().toString());
            assertTrue(r.figures().containsKey("longest unavailable"), r.figures().toString());
        }
    }

    @ParameterizedTest(name = "restarted leader wins: {0}")
    @ValueSource(booleans = {true, false})
    void failoverAcceptsANewTermWhoeverWinsIt(boolean restartedWins) {
        // The killed leader can win only with its log kept and back before the election: with the setting on it keeps its
        // volumes and is recreated at once; with it off it comes back on new volumes, so another node must win.
        KubeSim.Builder setup = KubeSim.builder().setting("sim.restartedLeaderWins", String.valueOf(restartedWins));
        if (restartedWins) {
            setup.api(k -> k.persistence(true).recreateDelay(Duration.ZERO));
        }
        try (KubeSim cluster = setup.start()) {
            Wait.until("a leader", Duration.ofMillis(20), TIMEOUT, () -> cluster.sim().leaderOrdinal(), l -> l != null);
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaFailover());
            assertPassed(r);
            assertEquals(restartedWins ? "yes" : "no", r.figures().get("restarted node re-elected"), r.figures().toString());
        }
    }

    @Test
    void snapshotInstallIsReadFromTheRecoveredFollowersLog() {
        ha.core.Node follower = new ha.core.Node(2, "test-arcadedb-2");
        String installed = ha.check.SnapshotSettings.assertInstalled("x\n2026-12-01 10:17:54.618 INFO  [ArcadeStateMachine] HA resync "
                + "started (mode=snapshot, reason=leader snapshot install): firstLogIndex=(t:1, i:265)\ny", follower);
        assertTrue(installed.startsWith("HA resync started (mode=snapshot"), installed);
        ha.core.PhaseFailure replayed = org.junit.jupiter.api.Assertions.assertThrows(ha.core.PhaseFailure.class, () -> ha.check.SnapshotSettings
                .assertInstalled("INFO [FollowerResyncProgressTracker] HA resync started (mode=catch-up): 1200 entries to apply\n", follower));
        assertContains(replayed.getMessage(), "could not force a snapshot install: test-arcadedb-2 caught up without one",
                "HA resync started (mode=catch-up)");
        ha.core.PhaseFailure silent = org.junit.jupiter.api.Assertions.assertThrows(ha.core.PhaseFailure.class,
                () -> ha.check.SnapshotSettings.assertInstalled("nothing about resyncs\n", follower));
        assertContains(silent.getMessage(), "no snapshot or resync line (it replayed the leader's log)");
    }

    @Test
    void failoverFailsWhenNoLeaderIsElected() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            Wait.until("a leader", Duration.ofMillis(20), TIMEOUT, () -> cluster.sim().leaderOrdinal(), l -> l != null);
            cluster.sim().faults().neverElect(true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaFailover());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for the survivors to agree on a leader elected in a new term; last seen: {");
        }
    }

    @Test
    void failoverFailsWhenAnAcknowledgedRowIsMissingOnANode() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.sim().faults().loseRow(1, "lost-run-failover-00003");
            PhaseResult r = Scenario.run(cluster, reports, SHORT, "lost-run", new HaFailover()).get(0);
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertTrue(r.message().startsWith("MISSING 1 acknowledged row"), r.message());
            assertContains(r.message(), "lost-run-failover-00003 lacking on test-arcadedb-1 (acknowledged by test-arcadedb-");
        }
    }

    @Test
    void aLaterPhaseSaysWhenAReportedRowLeavesTheNodesThatHeldIt() throws Exception {
        try (KubeSim cluster = KubeSim.builder().api(k -> k.persistence(true)).start(); KubeTarget target = cluster.target()) {
            String marker = "moved-run-failover-00003";
            cluster.sim().faults().loseRow(1, marker);
            // once failover has reported the row missing on node 1, node 2 loses it too, as a resync from node 1 would do
            Thread later = new Thread(() -> {
                Path history = reports.resolve(RunReport.HISTORY);
                Wait.until("failover's end in the history", Duration.ofMillis(50), Duration.ofSeconds(90),
                        () -> Files.exists(history) ? Files.readAllLines(history) : List.<String>of(),
                        lines -> lines.stream().anyMatch(l -> l.contains("\"kind\":\"phase-end\"") && l.contains("\"phase\":\"failover\"")));
                cluster.sim().faults().loseRow(2, marker);
            });
            later.setDaemon(true);
            later.start();
            CommonOptions options = new CommonOptions();
            options.reports.runId = "moved-run";
            options.timeout = TIMEOUT;
            options.reports.reportDir = reports;
            options.reports.collect = ReportOptions.Collect.never;
            List<PhaseResult> results = new PhaseRunner(options, false).run(target, List.of(new HaFailover(), new HaRollingRestart()));
            later.join(10_000);
            assertTrue(results.get(0).message().contains(marker + " lacking on test-arcadedb-1 "), results.get(0).message());
            PhaseResult rolling = results.get(1);
            assertEquals(Map.of(marker, List.of("test-arcadedb-1", "test-arcadedb-2")), rolling.figures().get("reported rows changed"),
                    rolling.figures().toString());
            assertTrue(!rolling.message().contains(marker), "the row is not judged a second time: " + rolling.message());
        }
    }

    // ------------------------------------------------------------------ rolling-restart

    @Test
    void rollingRestartKeepsEveryAcknowledgedRow() {
        try (KubeSim cluster = KubeSim.builder().api(k -> k.persistence(true)).start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaRollingRestart());
            assertPassed(r);
        }
    }

    @Test
    void rollingRestartIsSkippedWithoutPersistence() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, TIMEOUT, new HaRollingRestart());
            assertEquals(PhaseResult.Status.skipped, r.status());
            assertContains(r.message(), "install with --set persistence.enabled=true");
        }
    }

    @Test
    void rollingRestartFailsWhenARestartedNodeLosesAnAcknowledgedRow() {
        try (KubeSim cluster = KubeSim.builder().api(k -> k.persistence(true)).start()) {
            cluster.sim().faults().loseRow(2, "lost-run-rolling-00002");
            PhaseResult r = Scenario.run(cluster, reports, TIMEOUT, "lost-run", new HaRollingRestart()).get(0);
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertTrue(r.message().startsWith("MISSING 1 acknowledged row"), r.message());
            assertContains(r.message(), "lost-run-rolling-00002 lacking on test-arcadedb-2 (acknowledged by test-arcadedb-");
        }
    }
}
