package ha.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import ha.Json;
import ha.Log;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver, run as a real process through JBang with the Kubernetes target, against the chart's own
 * pods run as real ArcadeDB 26.8.1 processes (see {@link ChartPods} and the rewrites {@link PodRewrites}
 * lists). The suite finds everything as on a real cluster: the StatefulSet, the password in the release's
 * Secret, the pods through one port-forward each.
 */
class ChartOnRealPodsTest {
    static final List<String> PARITY = List.of("rollout", "health", "quorum", "write", "read", "replica-health", "transfer");
    static final Duration DRIVER_LIMIT = Duration.ofMinutes(9);

    @TempDir
    Path tmp;

    /** The chart under test; ha.kubelet.chart names another chart folder (to try a chart fix before it is merged). */
    static Path chart() {
        return Path.of(System.getProperty("ha.kubelet.chart", RealPods.CHART.toString()));
    }

    @Test
    void parityPhasesAndScaleUpPassOnTheChartsDefaultPods() throws Exception {
        System.out.print(PodRewrites.describe());
        try (RealPods pods = RealPods.builder().chart(chart()).start()) {
            List<String> phases = new ArrayList<>(PARITY);
            phases.add("scale-up");
            DriverRun run = DriverRun.of(pods, DRIVER_LIMIT, "--phases", String.join(",", phases), "--scale-to", "4", "--keep-scaled",
                    "--timeout", "240s", "--report-dir", tmp.toString());
            System.out.println("fixture run parity+scale-up: driver took " + Log.seconds(run.took()));
            assertEquals(0, run.exitCode(), () -> run.all() + "\n" + pods.story());
            for (int i = 0; i < phases.size(); i++) {
                assertTrue(run.stdout().contains("[" + (i + 1) + "/" + phases.size() + "] " + phases.get(i) + " passed ("), run.stdout());
            }
            for (int ordinal = 0; ordinal < 4; ordinal++) {
                String pod = pods.pods().statefulSetName() + "-" + ordinal;
                long incarnations = pods.pods().events().stream().filter(e -> e.contains("pod " + pod + " created")).count();
                assertEquals(incarnations, pods.kube().portForwardStreams(pod), "one port-forward per incarnation of " + pod + "\n" + pods.story());
            }
            List<String> helm = pods.kube().calls("helm");
            assertTrue(helm.stream().anyMatch(l -> l.startsWith("upgrade ") && l.contains("replicaCount=4")), helm.toString());
            JsonNode report = Json.read(Files.readString(tmp.resolve("report.json")));
            assertEquals("passed", report.path("status").asText());
        }
    }

    @Test
    void failoverAndRollingRestartPassOrLoseOnlyRowsThatEveryPodConfirmsMissing() throws Exception {
        System.out.print(PodRewrites.describe());
        try (RealPods pods = RealPods.builder().chart(chart()).set("persistence.enabled", "true").start()) {
            DriverRun run = DriverRun.of(pods, DRIVER_LIMIT, "--phases", "failover,rolling-restart", "--no-fail-fast",
                    "--timeout", "240s", "--report-dir", tmp.toString());
            System.out.println("fixture run failover+rolling-restart: driver took " + Log.seconds(run.took()));
            JsonNode report = Json.read(Files.readString(tmp.resolve("report.json")));
            if (run.exitCode() == 0) {
                assertEquals("passed", report.path("status").asText());
                return;
            }
            JsonNode figures = report.path("figures");
            List<String> lost = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String phase : List.of("failover", "rolling-restart")) {
                figures.path(phase + ".lost rows").forEach(n -> lost.add(n.asText()));
                figures.path(phase + ".missing rows").forEach(n -> missing.add(n.asText()));
            }
            assertFalse(lost.isEmpty() && missing.isEmpty(), () -> "the driver failed for another reason than missing acknowledged rows:\n"
                    + run.all() + "\n" + pods.story());
            for (JsonNode phase : report.path("phases")) {
                String status = phase.path("status").asText();
                String message = phase.path("message").asText(phase.toString());
                assertTrue(!"failed".equals(status) || message.contains("LOST") || message.contains("MISSING"),
                        () -> "phase " + phase.path("name").asText() + " failed without a lost-row verdict: " + message + "\n" + pods.story());
            }
            Map<String, Set<String>> held = PodReads.markersOnEveryPod(pods, 3, "integration-test");
            for (String marker : lost) {
                held.forEach((pod, markers) -> assertFalse(markers.contains(marker), "lost row " + marker + " is on " + pod));
            }
            for (String marker : missing) {
                assertTrue(held.values().stream().anyMatch(m -> !m.contains(marker)), "missing row " + marker + " is on every pod");
            }
            System.out.println("acknowledged rows the pods do not hold (confirmed on every pod): lost " + lost + ", missing " + missing);
        }
    }
}
