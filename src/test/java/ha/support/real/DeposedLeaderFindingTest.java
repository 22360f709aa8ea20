package ha.support.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The partition finding's rule over a history shaped like the real runs that showed it: a row the cut-off leader
 * acknowledged for a write sent during the cut is the finding; a row lost any other way, or beside another failure, is not.
 */
class DeposedLeaderFindingTest {
    private static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", "."));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CUT = 1_796_306_500_000L;
    private static final String ROW = "20261203-150000-bb20-partition-00004";

    private Path history;

    @AfterEach
    void removeHistory() throws Exception {
        if (history != null) {
            Files.deleteIfExists(history);
        }
    }

    /** The partition's history: arcadedb-2 cut off, then healed 20 s later; ROW sent 1 s into the cut to {@code node}. */
    private Path historyWithRowAcknowledgedBy(String node) throws Exception {
        history = Files.createTempFile("history", ".jsonl");
        Files.writeString(history, String.join("\n",
                "{\"type\":\"event\",\"phase\":\"partition\",\"atMillis\":" + CUT + ",\"kind\":\"partitioned\",\"node\":\"arcadedb-2\",\"detail\":\"the leader\"}",
                "{\"type\":\"op\",\"id\":9,\"marker\":\"" + ROW + "\",\"phase\":\"partition\",\"node\":\"" + node + "\",\"sentMillis\":" + (CUT + 1_000)
                        + ",\"answeredMillis\":" + (CUT + 1_400) + ",\"outcome\":\"ACKNOWLEDGED\",\"detail\":null,\"nodeReady\":true}",
                "{\"type\":\"event\",\"phase\":\"partition\",\"atMillis\":" + (CUT + 20_000) + ",\"kind\":\"healed\",\"node\":\"arcadedb-2\",\"detail\":null}",
                ""));
        return history;
    }

    private static JsonNode phase(String message) throws Exception {
        return JSON.readTree("{\"name\":\"partition\",\"status\":\"failed\",\"message\":" + JSON.writeValueAsString(message) + "}");
    }

    private static JsonNode figures() throws Exception {
        return JSON.readTree("{\"partition.lost rows\":[\"" + ROW + "\"]}");
    }

    @Test
    void aRowTheCutOffLeaderAcknowledgedDuringTheCutIsTheFinding() throws Exception {
        String found = DeposedLeaderFinding.of(phase("LOST 1 acknowledged row (on no node): " + ROW), figures(),
                historyWithRowAcknowledgedBy("arcadedb-2"), ROOT);
        assertEquals("the cut-off leader arcadedb-2 acknowledged 1 row that no node holds: [" + ROW
                + " sent 1.0 s into the cut, acknowledged -18.6 s from the heal]", found);
    }

    @Test
    void aRowTheMajorityAcknowledgedIsNotTheFinding() throws Exception {
        assertNull(DeposedLeaderFinding.of(phase("LOST 1 acknowledged row (on no node): " + ROW), figures(),
                historyWithRowAcknowledgedBy("arcadedb-0"), ROOT));
    }

    @Test
    void anotherFailureBesideItIsNotTheFinding() throws Exception {
        assertNull(DeposedLeaderFinding.of(phase("LOST 1 acknowledged row (on no node): " + ROW + "; MISSING 1 acknowledged row: x"),
                figures(), historyWithRowAcknowledgedBy("arcadedb-2"), ROOT));
    }
}
