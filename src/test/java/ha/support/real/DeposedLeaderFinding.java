package ha.support.real;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A finding of real 26.8.1 servers (docs/upstream-findings.md, {@link #HEADING}): the leader that {@code partition} cut
 * off from the majority acknowledges a write sent to it while the cut holds, and the row ends up on no node. A
 * real-server test accepts a failed {@code partition} as this finding, and not as a wrong verdict of the suite, only
 * when the verdict is LOST and nothing else, every lost row was acknowledged by the cut-off node for a write sent to
 * it while the cut held (by the run's own history), and the finding is written up for ArcadeDB. The test has by then
 * checked with its own read of every node that each lost row is on none of them.
 */
public final class DeposedLeaderFinding {
    /** The heading of the finding in docs/upstream-findings.md. */
    public static final String HEADING = "A leader cut off from the majority acknowledges a write sent to it during the cut, and loses it";

    private DeposedLeaderFinding() {
    }

    /**
     * What to note when {@code phase} (an entry of report.json's phases) is this finding, else null: the test then holds
     * the phase to its usual verdict. {@code figures} are report.json's; {@code historyJsonl} the run's history.
     */
    public static String of(JsonNode phase, JsonNode figures, Path historyJsonl, Path projectRoot) throws IOException {
        String message = phase.path("message").asText();
        if (!"partition".equals(phase.path("name").asText()) || !"failed".equals(phase.path("status").asText())
                || !message.startsWith("LOST") || message.contains("MISSING") || figures.path("partition.missing rows").size() > 0) {
            return null;
        }
        List<String> lost = new ArrayList<>();
        figures.path("partition.lost rows").forEach(m -> lost.add(m.asText()));
        if (lost.isEmpty()) {
            return null;
        }
        PhaseHistory history = PhaseHistory.read(historyJsonl, "partition");
        PhaseHistory.Window cut = history.window("partitioned", "healed");
        String isolated = cut.node();
        long cutAt = cut.fromMillis();
        long healedAt = cut.toMillis();
        List<String> seen = new ArrayList<>();
        for (String marker : lost) {
            JsonNode ack = history.op(marker, "ACKNOWLEDGED");
            if (ack == null || isolated == null || !isolated.equals(ack.path("node").asText())
                    || ack.path("sentMillis").asLong() < cutAt || ack.path("sentMillis").asLong() > healedAt) {
                return null;
            }
            seen.add(String.format(Locale.ROOT, "%s sent %.1f s into the cut, acknowledged %+.1f s from the heal", marker,
                    (ack.path("sentMillis").asLong() - cutAt) / 1000.0, (ack.path("answeredMillis").asLong() - healedAt) / 1000.0));
        }
        PhaseHistory.requireWrittenUp(projectRoot, HEADING, "partition lost rows acknowledged by the cut-off leader (" + message + ")");
        return "the cut-off leader " + isolated + " acknowledged " + lost.size() + " row" + (lost.size() == 1 ? "" : "s")
                + " that no node holds: " + seen;
    }
}
