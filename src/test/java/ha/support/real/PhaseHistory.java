package ha.support.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One phase's lines of a run's history.jsonl, as the finding checks read them: its operations (type "op") and its
 * events (a fault applied or healed, a leader elected), in the order the run wrote them.
 */
record PhaseHistory(List<JsonNode> ops, List<JsonNode> events) {
    static PhaseHistory read(Path historyJsonl, String phase) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> ops = new ArrayList<>();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(historyJsonl, StandardCharsets.UTF_8)) {
            JsonNode n = line.isBlank() ? null : mapper.readTree(line);
            if (n != null && phase.equals(n.path("phase").asText())) {
                ("op".equals(n.path("type").asText()) ? ops : events).add(n);
            }
        }
        return new PhaseHistory(ops, events);
    }

    /** A fault as the history shows it: the node it was applied to, when, and when it was lifted. */
    record Window(String node, long fromMillis, long toMillis) {
    }

    /**
     * The fault window between the last {@code applied} event and the last {@code lifted} one: node null and from -1 when
     * the fault was never applied, to {@code Long.MAX_VALUE} when it was never lifted.
     */
    Window window(String applied, String lifted) {
        JsonNode on = last(applied);
        JsonNode off = last(lifted);
        return new Window(on == null ? null : on.path("node").asText(), on == null ? -1 : on.path("atMillis").asLong(),
                off == null ? Long.MAX_VALUE : off.path("atMillis").asLong());
    }

    private JsonNode last(String kind) {
        JsonNode found = null;
        for (JsonNode e : events) {
            if (kind.equals(e.path("kind").asText())) {
                found = e;
            }
        }
        return found;
    }

    /** When the earliest event of {@code kind} happened, or {@code orElse} when there was none. */
    long earliestMillis(String kind, long orElse) {
        return events.stream().filter(e -> kind.equals(e.path("kind").asText())).mapToLong(e -> e.path("atMillis").asLong())
                .min().orElse(orElse);
    }

    /** The first operation that wrote {@code marker}, with {@code outcome} unless that is null; null when none did. */
    JsonNode op(String marker, String outcome) {
        return ops.stream().filter(o -> marker.equals(o.path("marker").asText())
                && (outcome == null || outcome.equals(o.path("outcome").asText()))).findFirst().orElse(null);
    }

    /** Fails unless docs/upstream-findings.md has the finding {@code heading}: a finding the test accepts must be written up. */
    static void requireWrittenUp(Path projectRoot, String heading, String whatHappened) throws IOException {
        if (!Files.readString(projectRoot.resolve("docs/upstream-findings.md")).contains(heading)) {
            throw new AssertionError(whatHappened + ", and docs/upstream-findings.md does not say so");
        }
    }
}
