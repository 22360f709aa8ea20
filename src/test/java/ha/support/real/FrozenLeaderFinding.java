package ha.support.real;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A finding of real 26.8.1 servers (docs/upstream-findings.md, {@link #HEADING}): a write sent while {@code pause} holds
 * the leader frozen gets no answer, yet every node ends up holding its row twice, and a row the new leader acknowledged
 * after its election is on no node. A real-server test accepts a failed {@code pause} as this finding, and not as a
 * wrong verdict of the suite, only when the verdict says DUPLICATED (and possibly LOST and STALE READ) and nothing else,
 * each duplicated row's write was sent while the leader was frozen and stayed unanswered, each lost row was acknowledged
 * by another node after the new leader's election, each stale read lacked only lost rows (by the run's own history), and
 * the finding is written up for ArcadeDB. The test has by then checked with its own read of every node that each lost
 * row is on none of them and each duplicated row held twice where the suite said.
 */
public final class FrozenLeaderFinding {
    /** The heading of the finding in docs/upstream-findings.md. */
    public static final String HEADING = "A write sent while the leader is frozen is applied twice, and a later acknowledged row is lost";

    private static final Pattern MARKER = Pattern.compile("[\\w-]+-pause-\\d{5}");

    private FrozenLeaderFinding() {
    }

    /**
     * What to note when {@code phase} (an entry of report.json's phases) is this finding, else null: the test then holds
     * the phase to its usual verdict. {@code figures} are report.json's; {@code historyJsonl} the run's history.
     */
    public static String of(JsonNode phase, JsonNode figures, Path historyJsonl, Path projectRoot) throws IOException {
        String message = phase.path("message").asText();
        if (!"pause".equals(phase.path("name").asText()) || !"failed".equals(phase.path("status").asText())
                || !message.contains("DUPLICATED") || !(message.startsWith("LOST") || message.startsWith("DUPLICATED"))) {
            return null;
        }
        for (String part : message.split("; (?=[A-Z]{4,})")) {
            if (!part.startsWith("LOST") && !part.startsWith("DUPLICATED") && !part.startsWith("STALE READ")) {
                return null;   // another check failed too (an election, a missing row, …): not this finding
            }
        }
        Set<String> twice = new TreeSet<>();
        figures.path("pause.duplicated rows").fields().forEachRemaining(n -> n.getValue().forEach(m -> twice.add(m.asText())));
        Set<String> lost = new TreeSet<>();
        figures.path("pause.lost rows").forEach(m -> lost.add(m.asText()));
        if (twice.isEmpty()) {
            return null;
        }
        PhaseHistory history = PhaseHistory.read(historyJsonl, "pause");
        PhaseHistory.Window pause = history.window("paused", "resumed");
        String frozen = pause.node();
        long pausedAt = pause.fromMillis();
        long resumedAt = pause.toMillis();
        long electedAt = history.earliestMillis("became-leader", Long.MAX_VALUE);
        List<String> seen = new ArrayList<>();
        for (String marker : twice) {
            JsonNode op = history.op(marker, null);
            if (op == null || !"INDETERMINATE".equals(op.path("outcome").asText())
                    || op.path("sentMillis").asLong() < pausedAt || op.path("sentMillis").asLong() > resumedAt) {
                return null;
            }
            seen.add(String.format(Locale.ROOT, "%s sent to %s %.1f s into the freeze, unanswered, held twice", marker,
                    op.path("node").asText(), (op.path("sentMillis").asLong() - pausedAt) / 1000.0));
        }
        for (String marker : lost) {
            JsonNode ack = history.op(marker, "ACKNOWLEDGED");
            if (ack == null || frozen == null || frozen.equals(ack.path("node").asText()) || ack.path("answeredMillis").asLong() < electedAt) {
                return null;
            }
            seen.add(String.format(Locale.ROOT, "%s acknowledged by %s %.1f s after the election, on no node", marker,
                    ack.path("node").asText(), (ack.path("answeredMillis").asLong() - electedAt) / 1000.0));
        }
        int stale = message.indexOf("STALE READ");
        if (stale >= 0) {
            Matcher m = MARKER.matcher(message.substring(stale));
            while (m.find()) {
                if (!lost.contains(m.group())) {
                    return null;   // a stale read that lacked a row the cluster holds is a stale read, not this finding
                }
            }
        }
        PhaseHistory.requireWrittenUp(projectRoot, HEADING, "pause held a row twice that was written while the leader was frozen ("
                + message + ")");
        return "with " + frozen + " frozen: " + seen;
    }
}
