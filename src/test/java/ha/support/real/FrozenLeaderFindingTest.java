package ha.support.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pause finding's rule over the reports of the real 26.8.1 run that showed it (2026-12-03, kept in
 * src/test/resources/real-runs/frozen-leader-26.8.1): accepted as the finding as it was, refused once anything differs.
 */
class FrozenLeaderFindingTest {
    private static final Path RUN = Path.of("src/test/resources/real-runs/frozen-leader-26.8.1");
    private static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", "."));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The run's report.json, with figure "pause.duplicated rows" (the run predates it) from what its message names. */
    private static JsonNode report() throws Exception {
        ObjectNode report = (ObjectNode) JSON.readTree(Files.readString(ROOT.resolve(RUN).resolve("report.json")));
        ObjectNode twice = ((ObjectNode) report.path("figures")).putObject("pause.duplicated rows");
        for (String node : new String[] {"arcadedb-0", "arcadedb-1", "arcadedb-2"}) {
            twice.putArray(node).add("20261203-140112-aa10-pause-00007");
        }
        return report;
    }

    private static Map<String, JsonNode> phases(JsonNode report) {
        Map<String, JsonNode> out = new HashMap<>();
        report.path("phases").forEach(p -> out.put(p.path("name").asText(), p));
        return out;
    }

    @Test
    void theRunThatShowedItIsTheFindingAndItsPartitionIsNot() throws Exception {
        JsonNode report = report();
        Path history = ROOT.resolve(RUN).resolve("history.jsonl");
        String found = FrozenLeaderFinding.of(phases(report).get("pause"), report.path("figures"), history, ROOT);
        assertNotNull(found, "the pause of that run is the finding");
        assertTrue(found.contains("pause-00007 sent to arcadedb-0 0.0 s into the freeze, unanswered, held twice"), found);
        assertTrue(found.contains("pause-00008 acknowledged by arcadedb-1 8.2 s after the election, on no node"), found);
        assertNull(FrozenLeaderFinding.of(phases(report).get("partition"), report.path("figures"), history, ROOT));
    }

    @Test
    void anotherFailureBesideItIsNotTheFinding() throws Exception {
        JsonNode report = report();
        ObjectNode pause = (ObjectNode) phases(report).get("pause");
        pause.put("message", pause.path("message").asText() + "; MISSING 1 acknowledged row (present on some nodes but not all): x");
        assertNull(FrozenLeaderFinding.of(pause, report.path("figures"), ROOT.resolve(RUN).resolve("history.jsonl"), ROOT));
    }

    @Test
    void aRowHeldTwiceThatWasAnsweredIsNotTheFinding() throws Exception {
        JsonNode report = report();
        Path history = Files.createTempFile("history", ".jsonl");
        try {
            Files.writeString(history, Files.readString(ROOT.resolve(RUN).resolve("history.jsonl"))
                    .replace("\"answeredMillis\":1796306511035,\"outcome\":\"INDETERMINATE\"", "\"answeredMillis\":1796306511035,\"outcome\":\"ACKNOWLEDGED\""));
            assertNull(FrozenLeaderFinding.of(phases(report).get("pause"), report.path("figures"), history, ROOT));
        } finally {
            Files.deleteIfExists(history);
        }
    }
}
