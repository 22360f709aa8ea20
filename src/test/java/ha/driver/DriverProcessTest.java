package ha.driver;

import ha.support.Jbang;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
import ha.support.kube.KubeSim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver and the phase scripts as real processes through JBang, against the mock API server and the simulator. */
class DriverProcessTest {
    static final List<String> PARITY = List.of("rollout", "health", "quorum", "write", "read", "replica-health", "transfer");

    @TempDir
    Path tmp;

    @Test
    void aQuietParityRunPassesWithOnePortForwardPerPod() throws Exception {
        try (KubeSim cluster = KubeSim.builder().start()) {
            Jbang.Run run = Jbang.run(Jbang.kubeEnv(cluster.kube().kubeconfig(), cluster.kube().fakeBin()), "arcadedb-ha",
                    "--phases", String.join(",", PARITY), "--timeout", "30s", "--report-dir", tmp.toString());
            assertEquals(0, run.exitCode(), run.all());
            for (int i = 0; i < PARITY.size(); i++) {
                assertTrue(run.stdout().contains("[" + (i + 1) + "/7] " + PARITY.get(i) + " passed ("), run.stdout());
            }
            assertTrue(run.stdout().contains("\n7 passed, 0 failed, 0 skipped\n"), run.stdout());
            assertTrue(run.stdout().contains("port-forwards: 3 opened, one per pod"), run.stdout());
            for (int pod = 0; pod < 3; pod++) {
                assertEquals(1, cluster.kube().portForwardStreams("test-arcadedb-" + pod), "API-server streams to pod " + pod);
            }
            JsonNode report = Json.read(Files.readString(tmp.resolve("report.json")));
            assertEquals("passed", report.path("status").asText());
            assertEquals(7, report.path("phases").size());
            assertTrue(Files.exists(tmp.resolve("junit.xml")));
        }
    }

    @Test
    void everyParityPhaseRunsAloneThroughItsAlias() throws Exception {
        try (KubeSim cluster = KubeSim.builder().start()) {
            for (String phase : PARITY) {
                Jbang.Run run = Jbang.run(Jbang.kubeEnv(cluster.kube().kubeconfig(), cluster.kube().fakeBin()), "ha-" + phase,
                        "--timeout", "30s", "--report-dir", tmp.resolve(phase).toString());
                assertEquals(0, run.exitCode(), phase + ": " + run.all());
                assertTrue(run.stdout().contains("[1/1] " + phase + " passed ("), run.stdout());
            }
        }
    }

    @Test
    void everyPhasePassesThroughTheDriver() throws Exception {
        // a kind-named context, so that pause runs (the mock's fake docker plays the kind node), with a short election
        // timeout, so that its pause (twice that) is short too
        try (KubeSim cluster = KubeSim.builder().api(k -> k.persistence(true).contextName("kind-sim")).setting("arcadedb.ha.electionTimeoutMax", "1000")
                .setting("arcadedb.ha.snapshotThreshold", "20").setting("arcadedb.ha.logPurgeGap", "5")
                .setting("arcadedb.ha.logSegmentSize", "1MB").start()) {
            Jbang.Run run = Jbang.run(Jbang.kubeEnv(cluster.kube().kubeconfig(), cluster.kube().fakeBin()), "arcadedb-ha",
                    "--timeout", "30s", "--report-dir", tmp.toString());
            assertEquals(0, run.exitCode(), run.all());
            int all = new ha.scripts.ArcadedbHa().allPhases().size();
            assertTrue(run.stdout().contains("\n" + all + " passed, 0 failed, 0 skipped\n"), run.stdout());
            List<String> helm = cluster.kube().calls("helm");
            assertEquals(2, helm.size(), "scale-up and back down: " + helm);
            assertTrue(helm.get(0).startsWith("upgrade test-arcadedb " + Jbang.ROOT.resolve("charts/arcadedb") + " --reuse-values") && helm.get(0).contains("--set replicaCount=5"), helm.get(0));
            assertTrue(helm.get(1).contains("--reuse-values") && helm.get(1).contains("--set replicaCount=3"), helm.get(1));
            JsonNode report = Json.read(Files.readString(tmp.resolve("report.json")));
            assertTrue(report.path("figures").has("failover.election time"), report.toString());
            assertTrue(report.path("figures").has("pause.woken node followed after"), report.toString());
            assertEquals(2, cluster.kube().signalsSent().size(), "pause stopped and continued one pod: " + cluster.kube().signalsSent());
        }
    }
}
