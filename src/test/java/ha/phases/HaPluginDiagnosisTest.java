package ha.phases;

import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.run.PhaseResult;
import ha.scripts.HaQuorum;
import ha.scripts.HaRollout;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose Raft HA plugin failed keeps answering HTTP; when a wait for the cluster times out, the failure
 * names that node and quotes the plugin's error from its log. The log lines are the ones a real 26.8.1 server
 * wrote when it got the root password as a file but no cluster token (the simulator does not model them).
 */
class HaPluginDiagnosisTest {
    private static final Duration SHORT = Duration.ofSeconds(3);
    private static final String[] NO_TOKEN_LOG = {
        "2026-12-01 10:17:49.972 INFO  [ArcadeDBServer] <test-arcadedb-1> - Stop metrics collectionException in thread \"main\""
                + " com.arcadedb.server.ServerException: Error starting plugin: RaftHAPlugin (priority: AFTER_HTTP_ON)",
        "\tat com.arcadedb.server.ArcadeDBServer.startPlugins(ArcadeDBServer.java:412)",
        "Caused by: com.arcadedb.exception.ConfigurationException: Cannot start HA mode without authentication: the auto-derived"
                + " cluster token requires a root password. Set arcadedb.server.rootPassword or provide an explicit arcadedb.ha.clusterToken",
        "\tat com.arcadedb.server.ha.raft.RaftHAPlugin.startService(RaftHAPlugin.java:98)"};
    private static final String QUOTED = "test-arcadedb-1: the Raft HA plugin did not start: Caused by:"
            + " com.arcadedb.exception.ConfigurationException: Cannot start HA mode without authentication";

    @TempDir
    Path reports;

    @Test
    void aLeaderWaitThatTimesOutQuotesThePluginErrorOfTheNode() {
        try (KubeSim cluster = KubeSim.builder().logLines(1, NO_TOKEN_LOG).start()) {
            cluster.sim().faults().notStarted(1, true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaQuorum());
            assertEquals(PhaseResult.Status.failed, r.status(), r.toString());
            assertTrue(r.message().contains("waiting for every node to name the same leader; last seen: "), r.message());
            assertTrue(r.message().contains(QUOTED), r.message());
            assertFalse(r.message().contains("test-arcadedb-0: the Raft HA plugin"), "only the node whose log says so");
        }
    }

    @Test
    void aRolloutThatTimesOutQuotesThePluginErrorOfTheNode() {
        try (KubeSim cluster = KubeSim.builder().logLines(1, NO_TOKEN_LOG).start()) {
            cluster.kube().rolloutStuck(true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaRollout());
            assertEquals(PhaseResult.Status.failed, r.status(), r.toString());
            assertTrue(r.message().contains("waiting for StatefulSet test-arcadedb rolled out"), r.message());
            assertTrue(r.message().contains(QUOTED), r.message());
        }
    }

    @Test
    void withoutAPluginErrorInAnyLogTheTimeoutIsReportedAsItIs() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.sim().faults().notStarted(1, true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaQuorum());
            assertEquals(PhaseResult.Status.failed, r.status(), r.toString());
            assertFalse(r.message().contains("did not start"), r.message());
        }
    }
}
