package ha.support.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The independent check's rule for a reported row that later leaves the nodes that held it. */
class IndependentCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROW = "r-failover-00023";

    private static JsonNode report(String changedFigure) throws Exception {
        return JSON.readTree("""
                {"phases": [
                   {"name": "failover", "status": "failed", "message": "MISSING 1 acknowledged row: r-failover-00023 lacking on n0"},
                   {"name": "rolling-restart", "status": "passed", "message": ""}],
                 "figures": {"failover.missing rows": {"r-failover-00023": ["n0"]}%s}}
                """.formatted(changedFigure));
    }

    private static List<JsonNode> ops() throws Exception {
        return List.of(JSON.readTree("{\"type\":\"op\",\"marker\":\"" + ROW + "\",\"phase\":\"failover\",\"outcome\":\"ACKNOWLEDGED\"}"));
    }

    /** At the end n0 holds the row and n1, n2 do not: the opposite of what failover saw. */
    private static final Map<String, List<String>> MOVED = Map.of("n0", List.of(ROW), "n1", List.of(), "n2", List.of());

    @Test
    void aRowThatLeftTheNodesThatHeldItUnseenIsAFalsePass() throws Exception {
        IndependentCheck.Findings f = IndependentCheck.check(report(""), ops(), MOVED);
        assertEquals(1, f.failures().size(), f.failures().toString());
        assertTrue(f.failures().get(0).contains("absent from [n1, n2] by the independent read, and no phase reported that"), f.failures().get(0));
    }

    @Test
    void aLaterPhaseThatSawItLeaveReportsTheNewNodes() throws Exception {
        IndependentCheck.Findings f = IndependentCheck.check(report(", \"rolling-restart.reported rows changed\": {\"r-failover-00023\": [\"n1\", \"n2\"]}"),
                ops(), MOVED);
        assertTrue(f.agrees(), f.failures().toString());
        assertEquals(1, f.changedLater());
        assertEquals(1, f.healed(), "n0, named by failover, holds the row again");
    }

    @Test
    void aChangeForARowNoPhaseReportedIsAFailure() throws Exception {
        IndependentCheck.Findings f = IndependentCheck.check(report(", \"rolling-restart.reported rows changed\": {\"r-other-00001\": [\"n1\"]}"),
                ops(), MOVED);
        assertTrue(f.failures().stream().anyMatch(x -> x.contains("says reported row r-other-00001 changed, but no earlier phase reported it")),
                f.failures().toString());
    }
}
