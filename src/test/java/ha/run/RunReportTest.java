package ha.run;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
import ha.core.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {
    @TempDir
    Path dir;

    @Test
    void reportsHoldEveryPhaseInTheShapesCiReads() throws Exception {
        RunReport report = new RunReport(dir, "run-1", List.of("health", "quorum", "read", "transfer"));
        report.target("release test-arcadedb in namespace default");
        report.add(new PhaseResult("health", PhaseResult.Status.passed, Duration.ofMillis(1200), "", Map.of()));
        report.add(new PhaseResult("quorum", PhaseResult.Status.passed, Duration.ofMillis(800), "", Map.of("leader", "test-arcadedb-1")));
        report.add(new PhaseResult("read", PhaseResult.Status.failed, Duration.ofMillis(3000),
                "Timed out after 3.0 s waiting for test-arcadedb-2 to hold the 1 expected row; last seen: <missing> & \"gone\"", Map.of()));

        JsonNode json = Json.read(Files.readString(dir.resolve("report.json")));
        assertEquals("failed", json.path("status").asText());
        assertEquals(4, json.path("phases").size());
        assertEquals("read", json.path("phases").get(2).path("name").asText());
        assertEquals("failed", json.path("phases").get(2).path("status").asText());
        assertEquals(3000, json.path("phases").get(2).path("durationMs").asLong());
        assertEquals("skipped", json.path("phases").get(3).path("status").asText(), "a phase not run yet counts as skipped");
        assertEquals("test-arcadedb-1", json.path("figures").path("quorum.leader").asText());

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("junit.xml").toFile());
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("skipped"));
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(4, cases.getLength());
        Element read = (Element) cases.item(2);
        assertEquals("read", read.getAttribute("name"));
        assertEquals("3.000", read.getAttribute("time"));
        Element failure = (Element) read.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").endsWith("last seen: <missing> & \"gone\""), "escaped and read back intact");
        assertEquals(1, ((Element) cases.item(3)).getElementsByTagName("skipped").getLength());

        String summary = Files.readString(dir.resolve("summary.txt"));
        assertTrue(summary.startsWith("ArcadeDB HA suite, run run-1: FAILED\n"), summary);
        assertTrue(summary.contains("Failed phase: read (3 of 4, after 3.0 s)"), summary);
    }

    @Test
    void anAbortedRunStillLeavesReports() throws Exception {
        RunReport report = new RunReport(dir, "run-2", List.of("rollout", "health"));
        report.abort("could not use the cluster: cannot reach the Kubernetes API server");
        JsonNode json = Json.read(Files.readString(dir.resolve("report.json")));
        assertEquals("failed", json.path("status").asText());
        assertEquals("not run: could not use the cluster: cannot reach the Kubernetes API server",
                json.path("phases").get(0).path("message").asText());
        assertTrue(Files.readString(dir.resolve("junit.xml")).contains("tests=\"2\""));
    }

    @Test
    void theSummaryPointsAtTheNodeLogsOfALocalRun() throws Exception {
        RunReport report = new RunReport(dir, "run-4", List.of("health"));
        report.add(new PhaseResult("health", PhaseResult.Status.passed, Duration.ZERO, "", Map.of()));
        assertTrue(!Files.readString(dir.resolve("summary.txt")).contains("node-logs/"), "no such folder yet");
        Files.createDirectories(dir.resolve("node-logs/arcadedb-0"));
        report.write();
        assertTrue(Files.readString(dir.resolve("summary.txt"))
                .contains("  node-logs/<node>/server*.log           every local server's output"), Files.readString(dir.resolve("summary.txt")));
    }

    @Test
    void secretsNeverReachTheFiles() throws Exception {
        Redactor.register("report-secret-123456");
        RunReport report = new RunReport(dir, "run-3", List.of("write"));
        report.add(new PhaseResult("write", PhaseResult.Status.failed, Duration.ZERO, "password report-secret-123456 in a message", Map.of()));
        for (String f : List.of("report.json", "junit.xml", "summary.txt")) {
            assertFalse(Files.readString(dir.resolve(f)).contains("report-secret-123456"), f);
        }
    }

    @Test
    void anInterruptedPhaseIsAnErrorAndTheLaterOnesAreSkipped() throws Exception {
        RunReport report = new RunReport(dir, "run-5", List.of("health", "quorum", "failover", "rolling-restart"));
        report.add(new PhaseResult("health", PhaseResult.Status.passed, Duration.ofMillis(900), "", Map.of()));
        report.add(new PhaseResult("quorum", PhaseResult.Status.passed, Duration.ofMillis(700), "", Map.of()));
        report.interrupted("failover", Duration.ofMillis(12_300));
        report.add(new PhaseResult("failover", PhaseResult.Status.failed, Duration.ofMillis(12_400), "the servers went away", Map.of()));

        JsonNode json = Json.read(Files.readString(dir.resolve("report.json")));
        assertEquals("interrupted", json.path("phases").get(2).path("status").asText(), json.toString());
        assertEquals(12_300, json.path("phases").get(2).path("durationMs").asLong(), "the result the phase reports after the interrupt is not kept");
        assertEquals("skipped", json.path("phases").get(3).path("status").asText());
        assertTrue(json.path("aborted").asText().startsWith("interrupted"), json.toString());

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("junit.xml").toFile());
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("errors"), "an interrupted phase is an error, not a skip, so CI does not show green");
        assertEquals("0", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("skipped"));
        Element failover = (Element) doc.getElementsByTagName("testcase").item(2);
        Element error = (Element) failover.getElementsByTagName("error").item(0);
        assertEquals("Interrupted", error.getAttribute("type"));
        assertTrue(error.getAttribute("message").contains("interrupted after 12.3 s"), error.getAttribute("message"));

        String summary = Files.readString(dir.resolve("summary.txt"));
        assertTrue(summary.startsWith("ArcadeDB HA suite, run run-5: INTERRUPTED\n"), summary);
        assertTrue(summary.contains("Interrupted phase: failover (3 of 4, after 12.3 s)"), summary);
        assertTrue(summary.lines().anyMatch(l -> l.startsWith("  failover") && l.contains("interrupted")), summary);
        assertTrue(summary.lines().anyMatch(l -> l.startsWith("  rolling-restart") && l.contains("skipped")), summary);
    }

    @Test
    void openFirstListsOnlyFilesThatExist() throws Exception {
        // a local run's diagnostics: node views and logs, processes.txt; no Kubernetes objects
        RunReport local = new RunReport(dir, "run-6", List.of("read"));
        Files.createDirectories(dir.resolve("diagnostics/nodes/arcadedb-0"));
        Files.writeString(dir.resolve("diagnostics/nodes/arcadedb-0/cluster.json"), "{}");
        Files.writeString(dir.resolve("diagnostics/nodes/arcadedb-0/log.txt"), "log");
        Files.writeString(dir.resolve("diagnostics/processes.txt"), "table");
        Files.writeString(dir.resolve(RunReport.HISTORY), "");
        local.add(new PhaseResult("read", PhaseResult.Status.failed, Duration.ZERO, "a row is missing", Map.of()));
        local.diagnosticsCollected();
        String summary = Files.readString(dir.resolve("summary.txt"));
        String open = summary.substring(summary.indexOf("Open first:"));
        assertTrue(open.contains("diagnostics/nodes/<node>/cluster.json"), open);
        assertTrue(open.contains("diagnostics/processes.txt"), open);
        assertTrue(open.contains(RunReport.HISTORY), open);
        for (String absent : List.of("events.txt", "pod YAML", "StatefulSet", "helm values", "previous-log.txt")) {
            assertFalse(open.contains(absent), "a local run has no " + absent + ": " + open);
        }

        // a kube run that never started: no history was written
        Path never = Files.createDirectories(dir.resolve("never"));
        new RunReport(never, "run-7", List.of("rollout")).couldNotStart("could not use the cluster: no kubeconfig");
        String neverOpen = Files.readString(never.resolve("summary.txt"));
        neverOpen = neverOpen.substring(neverOpen.indexOf("Open first:"));
        assertFalse(neverOpen.contains(RunReport.HISTORY), neverOpen);
        assertTrue(neverOpen.contains("report.json / junit.xml"), neverOpen);
    }
}
