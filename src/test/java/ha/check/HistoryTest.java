package ha.check;

import com.fasterxml.jackson.databind.JsonNode;
import ha.check.History.Outcome;
import ha.core.Json;
import ha.core.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {
    @TempDir
    Path dir;

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(Json.read(line));
        }
        return out;
    }

    @Test
    void everyAnsweredOpAndEventIsOneJsonLineAtOnceAndPendingOpsAreWrittenOnClose() throws IOException {
        Path file = dir.resolve("report/history.jsonl");
        AtomicLong now = new AtomicLong(1_000);
        History h = new History(file, now::get);
        h.event("failover", "phase-start", null, null);
        long a = h.sent("run-a", "failover", "arcadedb-0");
        long b = h.sent("run-b", "failover", "arcadedb-1");
        long c = h.sent("run-c", "failover", "arcadedb-2");
        now.set(1_250);
        h.answered(a, Outcome.ACKNOWLEDGED, null);
        h.answered(b, Outcome.FAILED, "arcadedb-1: POST /api/v1/command/ha answered 400");
        h.event("failover", "killed", "arcadedb-0", "kill -9");

        List<JsonNode> before = lines(file);
        assertEquals(4, before.size(), "two events and two answered ops, written as they happen: " + before);
        JsonNode ack = before.get(1);
        assertEquals("op", ack.path("type").asText());
        assertEquals("run-a", ack.path("marker").asText());
        assertEquals("failover", ack.path("phase").asText());
        assertEquals("arcadedb-0", ack.path("node").asText());
        assertEquals(1_000, ack.path("sentMillis").asLong());
        assertEquals(1_250, ack.path("answeredMillis").asLong());
        assertEquals("ACKNOWLEDGED", ack.path("outcome").asText());
        assertEquals("event", before.get(3).path("type").asText());
        assertEquals("killed", before.get(3).path("kind").asText());
        assertEquals("arcadedb-0", before.get(3).path("node").asText());

        h.close();
        List<JsonNode> after = lines(file);
        assertEquals(5, after.size());
        JsonNode pending = after.get(4);
        assertEquals(c, pending.path("id").asLong());
        assertEquals("PENDING", pending.path("outcome").asText());
        assertEquals(-1, pending.path("answeredMillis").asLong());
        Set<Long> ids = new HashSet<>();
        after.stream().filter(l -> l.path("type").asText().equals("op")).forEach(l -> ids.add(l.path("id").asLong()));
        assertEquals(Set.of(a, b, c), ids, "every op appears exactly once");
    }

    @Test
    void theFirstAnswerCountsAndDetailsAreRedactedToOneLine() {
        Redactor.register("history-test-pw-7731");
        History h = new History();
        long id = h.sent("m-1", "p", "arcadedb-0");
        h.answered(id, Outcome.INDETERMINATE, "reset\n while sending with password history-test-pw-7731");
        h.answered(id, Outcome.ACKNOWLEDGED, null);
        History.Op op = h.ops().get(0);
        assertEquals(Outcome.INDETERMINATE, op.outcome());
        assertFalse(op.detail().contains("history-test-pw-7731"), op.detail());
        assertFalse(op.detail().contains("\n"), op.detail());
    }

    @Test
    void opsAndEventsAreSelectedByPhase() {
        History h = new History();
        h.sent("a", "failover", "arcadedb-0");
        h.sent("b", "rolling-restart", "arcadedb-1");
        h.event("failover", "killed", "arcadedb-0", null);
        h.event("rolling-restart", "stopped", "arcadedb-2", null);
        assertEquals(List.of("a"), h.ops("failover").stream().map(History.Op::marker).toList());
        assertEquals(List.of("stopped"), h.events("rolling-restart").stream().map(History.Event::kind).toList());
        assertEquals(2, h.ops().size());
        assertEquals(2, h.events().size());
    }

    @Test
    void concurrentWritersGetDistinctIdsAndEveryOpReachesTheFile() throws Exception {
        Path file = dir.resolve("history.jsonl");
        History h = new History(file);
        int threads = 8;
        int each = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    long id = h.sent("m-" + thread + "-" + i, "p", "arcadedb-" + (i % 3));
                    if (i % 10 == 0) {
                        h.event("p", "fault", "arcadedb-" + thread % 3, "tick " + i);
                    }
                    h.answered(id, i % 2 == 0 ? Outcome.ACKNOWLEDGED : Outcome.INDETERMINATE, null);
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        h.close();
        List<JsonNode> lines = lines(file);
        Set<Long> ids = new HashSet<>();
        Set<String> markers = new HashSet<>();
        long events = 0;
        for (JsonNode l : lines) {
            if (l.path("type").asText().equals("op")) {
                ids.add(l.path("id").asLong());
                markers.add(l.path("marker").asText());
            } else {
                events++;
            }
        }
        assertEquals(threads * each, ids.size());
        assertEquals(threads * each, markers.size());
        assertEquals(threads * each / 10, events);
        assertEquals(threads * each, h.ops().stream().map(History.Op::id).distinct().count());
    }

    @Test
    void longestUnavailableIsTheLongestGapBetweenAcknowledgementsIncludingTheEdges() {
        AtomicLong now = new AtomicLong();
        History h = new History(null, now::get);
        long[][] answers = {{1_000, 1}, {1_500, 1}, {2_000, 0}, {5_500, 1}, {6_000, 1}};
        for (long[] a : answers) {
            now.set(a[0] - 100);
            long id = h.sent("m-" + a[0], "failover", "arcadedb-0");
            now.set(a[0]);
            h.answered(id, a[1] == 1 ? Outcome.ACKNOWLEDGED : Outcome.INDETERMINATE, null);
        }
        now.set(9_000);
        long other = h.sent("other", "rolling-restart", "arcadedb-1");
        h.answered(other, Outcome.ACKNOWLEDGED, null);

        assertEquals(Duration.ofMillis(4_000), h.longestUnavailable("failover", 0, 7_000),
                "1.5 s to 5.5 s: the indeterminate answer at 2.0 s does not count");
        assertEquals(Duration.ofMillis(3_000), h.longestUnavailable("failover", 5_000, 9_000), "from the last ack to the end");
        assertEquals(Duration.ofMillis(1_000), h.longestUnavailable("failover", 0, 1_200), "from the start to the first ack");
        assertEquals(Duration.ofMillis(500), h.longestUnavailable("failover", 3_000, 3_500), "no acknowledgement: the whole window");
        assertEquals(Duration.ofMillis(3_000), h.longestUnavailable(null, 5_000, 9_500), "all phases: 6.0 s to the other phase's ack at 9.0 s");
        assertTrue(h.longestUnavailable("failover", 7_000, 7_000).isZero());
    }

    @Test
    void anOpRecordsWhatTheWriterSawOfItsNode() throws IOException {
        Path file = dir.resolve("seen/history.jsonl");
        AtomicLong now = new AtomicLong(5_000);
        try (History h = new History(file, now::get)) {
            long notReady = h.sent("run-a", "failover", "arcadedb-0", false, 3_000);
            long unlooked = h.sent("run-b", "failover", "arcadedb-1");
            h.answered(notReady, Outcome.ACKNOWLEDGED, null);
            h.answered(unlooked, Outcome.ACKNOWLEDGED, null);
        }
        List<JsonNode> ops = lines(file);
        assertEquals(false, ops.get(0).path("nodeReady").asBoolean(true), ops.toString());
        assertEquals(3_000, ops.get(0).path("nodeStartedMillis").asLong(), ops.toString());
        assertTrue(ops.get(1).path("nodeReady").isNull(), "a write sent without a look says so: " + ops.get(1));
        assertEquals(-1, ops.get(1).path("nodeStartedMillis").asLong(), ops.toString());
    }
}
