package ha.check;

import ha.client.WriteErrors;
import ha.core.Json;
import ha.core.Log;
import ha.core.Redactor;
import ha.core.SuiteException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One history of every write attempt of a run, Jepsen-style: for each attempted insert its marker, the
 * phase, the node it was sent to, when it was sent and answered, and the outcome; plus the events the
 * phases caused or saw (a kill, a restart, a new leader). Thread-safe. With a file, every answered op
 * and every event is appended at once as one JSON line ({@code "type":"op"} or {@code "type":"event"})
 * and flushed, so the file is valid JSONL even if the run is killed; ops still pending are written by
 * {@link #close()}.
 *
 * <p>Outcomes: {@link Outcome#ACKNOWLEDGED} for a 2xx answer; for an error, {@link WriteErrors#notApplied} decides between
 * {@link Outcome#FAILED} (the answer says the write was not applied) and {@link Outcome#INDETERMINATE} (it may or may
 * not have been).
 */
public final class History implements AutoCloseable {
    public enum Outcome { PENDING, ACKNOWLEDGED, FAILED, INDETERMINATE }

    /**
     * One write attempt. Times are epoch millis; {@code answeredMillis} is -1 while PENDING. {@code nodeReady} is whether
     * the node it was sent to was ready by the writer's last look before sending (the chart's client Service would route
     * to it), null when the writer did not look; {@code nodeStartedMillis} is when that node's current process or
     * container had started by that look, -1 when unknown.
     */
    public record Op(long id, String marker, String phase, String node, long sentMillis, long answeredMillis,
                     Outcome outcome, String detail, Boolean nodeReady, long nodeStartedMillis) {
        /** An op sent without a look at the node's readiness. */
        public Op(long id, String marker, String phase, String node, long sentMillis, long answeredMillis, Outcome outcome,
                  String detail) {
            this(id, marker, phase, node, sentMillis, answeredMillis, outcome, detail, null, -1);
        }

        Op answer(long at, Outcome out, String why) {
            return new Op(id, marker, phase, node, sentMillis, at, out, why, nodeReady, nodeStartedMillis);
        }
    }

    /**
     * Something a phase did or saw: kind e.g. "killed", "stopped", "ready-again" (a replacement seen ready, not the
     * moment it was started), "became-leader", "fault", "phase-start", "phase-end"; {@code node} is the node it
     * concerns, or null.
     */
    public record Event(String phase, long atMillis, String kind, String node, String detail) {
    }

    private static final int MAX_DETAIL = 300;

    private final LongSupplier clock;
    private final Path file;
    private final List<Op> ops = new ArrayList<>();        // index = id - 1
    private final List<Event> events = new ArrayList<>();
    private BufferedWriter out;
    private boolean closed;

    /** A history kept in memory only. */
    public History() {
        this(null, System::currentTimeMillis);
    }

    /** A history that also appends one JSON line per finished op and per event to {@code jsonl}. */
    public History(Path jsonl) {
        this(jsonl, System::currentTimeMillis);
    }

    /** As {@link #History(Path)} ({@code jsonl} may be null) with a clock of epoch millis, for tests. */
    public History(Path jsonl, LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock);
        this.file = jsonl;
        if (jsonl != null) {
            try {
                if (jsonl.getParent() != null) {
                    Files.createDirectories(jsonl.getParent());
                }
                out = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new SuiteException("cannot write the history to " + jsonl + ": " + e.getMessage(), e);
            }
        }
    }

    /** The file the history is streamed to, or null. */
    public Path file() {
        return file;
    }

    /** Records that a write of {@code marker} is being sent to {@code node}; returns the op's id. */
    public synchronized long sent(String marker, String phase, String node) {
        return sent(marker, phase, node, null, -1);
    }

    /**
     * As {@link #sent(String, String, String)}, with what the writer last saw of the node: whether it was ready (null: not
     * looked) and when its current process had started (-1: unknown).
     */
    public synchronized long sent(String marker, String phase, String node, Boolean nodeReady, long nodeStartedMillis) {
        long id = ops.size() + 1L;
        ops.add(new Op(id, marker, phase, node, clock.getAsLong(), -1, Outcome.PENDING, null, nodeReady, nodeStartedMillis));
        return id;
    }

    /**
     * Records the answer to op {@code id}. {@code detail} is a short error text or null; it is redacted
     * and shortened to one line. The first answer counts: answering an op twice changes nothing.
     */
    public synchronized void answered(long id, Outcome outcome, String detail) {
        if (outcome == null || outcome == Outcome.PENDING) {
            throw new IllegalArgumentException("an answer is ACKNOWLEDGED, FAILED or INDETERMINATE, not " + outcome);
        }
        Op op = op(id);
        if (op.outcome() != Outcome.PENDING) {
            return;
        }
        Op done = op.answer(clock.getAsLong(), outcome, shorten(detail));
        ops.set((int) (id - 1), done);
        write(opLine(done));
    }

    /** Records an error answer to op {@code id}: FAILED when {@link WriteErrors#notApplied} says so, else INDETERMINATE. */
    public void failedOrIndeterminate(long id, Throwable error) {
        answered(id, WriteErrors.notApplied(error) ? Outcome.FAILED : Outcome.INDETERMINATE, describe(error));
    }

    /** Records an event at the current time. */
    public synchronized void event(String phase, String kind, String node, String detail) {
        Event e = new Event(phase, clock.getAsLong(), kind, node, shorten(detail));
        events.add(e);
        write(eventLine(e));
    }

    /** Every op so far, in the order they were sent. */
    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    /** The ops of one phase, in the order they were sent. */
    public synchronized List<Op> ops(String phase) {
        return ops.stream().filter(o -> Objects.equals(phase, o.phase())).toList();
    }

    /** Every event so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The events of one phase, in order. */
    public synchronized List<Event> events(String phase) {
        return events.stream().filter(e -> Objects.equals(phase, e.phase())).toList();
    }

    /**
     * Longest stretch inside [from, to] (epoch ms) with no acknowledged answer among the phase's ops
     * ({@code phase} null: all ops): the gaps between consecutive ACKNOWLEDGED answers, plus from → first
     * and last → to. With no acknowledged answer in the window, the whole window.
     */
    public synchronized Duration longestUnavailable(String phase, long fromMillis, long toMillis) {
        if (toMillis <= fromMillis) {
            return Duration.ZERO;
        }
        long[] answers = ops.stream()
                .filter(o -> phase == null || phase.equals(o.phase()))
                .filter(o -> o.outcome() == Outcome.ACKNOWLEDGED)
                .mapToLong(Op::answeredMillis)
                .filter(t -> t >= fromMillis && t <= toMillis)
                .sorted()
                .toArray();
        long previous = fromMillis;
        long longest = 0;
        for (long t : answers) {
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        longest = Math.max(longest, toMillis - previous);
        return Duration.ofMillis(longest);
    }

    /** Writes the ops still pending and closes the file. Later ops and events are kept in memory only. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Op op : ops) {
            if (op.outcome() == Outcome.PENDING) {
                write(opLine(op));
            }
        }
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                Log.warn("could not close the history file %s: %s", file, e.getMessage());
            }
            out = null;
        }
    }

    private Op op(long id) {
        if (id < 1 || id > ops.size()) {
            throw new IllegalArgumentException("no op with id " + id + " in this history");
        }
        return ops.get((int) (id - 1));
    }

    private void write(Map<String, Object> line) {
        if (out == null) {
            return;
        }
        try {
            out.write(Json.write(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            Log.warn("could not append to the history file %s (%s); the history continues in memory only", file, e.getMessage());
            try {
                out.close();
            } catch (IOException ignored) {
                // already reported
            }
            out = null;
        }
    }

    private static Map<String, Object> opLine(Op op) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "op");
        m.put("id", op.id());
        m.put("marker", op.marker());
        m.put("phase", op.phase());
        m.put("node", op.node());
        m.put("sentMillis", op.sentMillis());
        m.put("answeredMillis", op.answeredMillis());
        m.put("outcome", op.outcome().name());
        m.put("detail", op.detail());
        m.put("nodeReady", op.nodeReady());
        m.put("nodeStartedMillis", op.nodeStartedMillis());
        return m;
    }

    private static Map<String, Object> eventLine(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "event");
        m.put("phase", e.phase());
        m.put("atMillis", e.atMillis());
        m.put("kind", e.kind());
        m.put("node", e.node());
        m.put("detail", e.detail());
        return m;
    }

    private static String describe(Throwable error) {
        if (error == null) {
            return "no error given";
        }
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    private static String shorten(String detail) {
        if (detail == null) {
            return null;
        }
        String oneLine = Redactor.redact(detail).replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "…";
    }
}
