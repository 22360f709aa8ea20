package ha.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import ha.Json;
import ha.PhaseResult;
import ha.Redactor;
import ha.RunReport;
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
}
