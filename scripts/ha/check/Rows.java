package ha.check;

import ha.client.ArcadeClient;
import ha.client.ArcadeHttpException;
import ha.core.Node;
import ha.core.Wait;
import ha.target.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The suite's test data: rows of one document type in the test database, each carrying a unique
 * {@code marker}. Every insert, by any phase, is recorded in the run's {@link History} (sent, then
 * acknowledged, failed or indeterminate), so a {@link Checker} can judge what every node holds.
 */
public final class Rows {
    public static final String TYPE = "HaRow";
    private final Target target;
    private final String database;
    private final History history;

    /** Rows whose inserts are recorded in an in-memory history only. */
    public Rows(Target target, String database) {
        this(target, database, new History());
    }

    public Rows(Target target, String database, History history) {
        this.target = target;
        this.database = database;
        this.history = history;
    }

    public String database() {
        return database;
    }

    /** The history every insert of these rows is recorded in. */
    public History history() {
        return history;
    }

    /** Creates the test database and the row type through the leader, unless they exist. */
    public void ensureSchema(Node leader, Duration timeout) {
        ArcadeClient client = target.client(leader);
        Wait.until("database '" + database + "' and type " + TYPE + " to exist on the leader " + leader, Wait.HTTP_POLL, timeout, () -> {
            if (!client.databaseExists(database)) {
                try {
                    client.serverCommand("create database " + database);
                } catch (ArcadeHttpException e) {
                    if (e.status() != 400 || !client.databaseExists(database)) {
                        throw e;
                    }
                }
            }
            client.command(database, "CREATE DOCUMENT TYPE " + TYPE + " IF NOT EXISTS", Map.of());
            return true;
        }, ok -> ok);
    }

    /**
     * Inserts one row through {@code node}; returns normally only when ArcadeDB acknowledged it (2xx).
     * The marker doubles as the request id, so a retry after a lost answer is not applied twice.
     */
    public void insert(Node node, String marker, String phase) {
        insert(node, marker, phase, null);
    }

    /**
     * As {@link #insert(Node, String, String)} with a {@code payload} column (bulk for the Raft log, e.g. to roll
     * log segments); returns the answering node's commit index, the bookmark for a follower read (null if none).
     */
    public Long insert(Node node, String marker, String phase, String payload) {
        return insert(node, marker, phase, payload, null);
    }

    /**
     * As {@link #insert(Node, String, String, String)}, recording with the attempt what the writer last saw of the node
     * ({@code seen}: ready or not, since when its process runs; null when it did not look).
     */
    public Long insert(Node node, String marker, String phase, String payload, Target.ServiceState seen) {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("marker", marker);
        params.put("phase", phase);
        String sql = "INSERT INTO " + TYPE + " SET marker = :marker, phase = :phase";
        if (payload != null) {
            params.put("payload", payload);
            sql += ", payload = :payload";
        }
        long op = seen == null ? history.sent(marker, phase, node.name())
                : history.sent(marker, phase, node.name(), seen.ready(), seen.startedMillis());
        try {
            Long index = target.client(node).commandOnceWithIndex(database, sql, params, marker);
            history.answered(op, History.Outcome.ACKNOWLEDGED, null);
            return index;
        } catch (RuntimeException e) {
            history.failedOrIndeterminate(op, e);
            throw e;
        }
    }

    /**
     * Inserts one row, retrying transient failures until {@code timeout}; returns the acknowledging answer's commit
     * index (the bookmark for {@link #holdsNow}), or null when the server sent none.
     */
    public Long insertAcknowledged(Node node, String marker, String phase, Duration timeout) {
        java.util.concurrent.atomic.AtomicReference<Long> index = new java.util.concurrent.atomic.AtomicReference<>();
        Wait.until("row " + marker + " acknowledged through " + node, Wait.HTTP_POLL, timeout, () -> {
            index.set(insert(node, marker, phase, null));
            return true;
        }, ok -> ok);
        return index.get();
    }

    /**
     * One read of {@code marker} on {@code node}, no waiting: with {@code consistency} ({@code eventual},
     * {@code read_your_writes}, {@code linearizable}) and, when not null, the bookmark {@code readAfter}.
     */
    public boolean holdsNow(Node node, String marker, String consistency, Long readAfter) {
        return !target.client(node).query(database, "SELECT marker FROM " + TYPE + " WHERE marker = :marker",
                Map.of("marker", marker), consistency, readAfter).isEmpty();
    }

    /**
     * {@link #holdsNow} as the first answer to it says: a read that gets no answer (a reset, a 5xx) is sent again until
     * {@code timeout}, but an answer without the row is the verdict at once.
     */
    public boolean holdsAtFirstAnswer(Node node, String marker, String consistency, Long readAfter, Duration timeout) {
        return Wait.until("a " + consistency + " read of " + marker + " on " + node + " to answer", Wait.HTTP_POLL, timeout,
                () -> holdsNow(node, marker, consistency, readAfter), answered -> true);
    }

    /**
     * Inserts rows in order through {@code node}, retrying transient failures from the first row not yet
     * acknowledged (request ids make the retry of a row whose answer was lost harmless).
     */
    public void insertAllAcknowledged(Node node, List<String> markers, String phase, Duration timeout) {
        insertAllAcknowledged(node, markers, phase, 0, timeout);
    }

    /**
     * As {@link #insertAllAcknowledged(Node, List, String, Duration)}, each row with a payload of {@code payloadChars} (0: none)
     * pseudo-random letters and digits (they compress little, so the Raft log grows by about that much per row). A
     * row's payload follows from its marker, so a retry sends the same body and the idempotency cache recognises it.
     */
    public void insertAllAcknowledged(Node node, List<String> markers, String phase, int payloadChars, Duration timeout) {
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        String rows = markers.size() + " rows" + (payloadChars > 0 ? " of " + payloadChars + " characters" : "");
        Wait.until(rows + " acknowledged through " + node, Wait.HTTP_POLL, timeout, () -> {
            while (done.get() < markers.size()) {
                String marker = markers.get(done.get());
                insert(node, marker, phase, payloadChars > 0 ? payload(marker, payloadChars) : null);
                done.incrementAndGet();
            }
            return done.get();
        }, n -> n == markers.size());
    }

    static String payload(String marker, int chars) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        java.util.Random random = new java.util.Random(marker.hashCode());
        StringBuilder payload = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            payload.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return payload.toString();
    }

    /** What one node holds compared with what it should hold; prints as the missing-rows line. */
    public record Holding(Node node, Set<String> expected, Set<String> seen) {
        public boolean complete() {
            return seen.containsAll(expected);
        }

        @Override
        public String toString() {
            return describeMissing(node, expected, seen);
        }
    }

    /** Waits until every node holds every expected marker (reads run locally on each node). */
    /** Waits until {@code node} holds exactly the rows {@code leader} holds now; returns how many. */
    public int awaitSameRowsAs(Node leader, Node node, Duration timeout) {
        Set<String> leaderRows = markers(leader);
        Wait.until(node + " to hold exactly the leader's " + leaderRows.size() + " rows", Wait.HTTP_POLL, timeout,
                () -> new Holding(node, leaderRows, markers(node)), h -> h.complete() && h.seen().size() == leaderRows.size());
        return leaderRows.size();
    }

    /** Waits until {@code node} holds every row of {@code expected}, named {@code what} in the failure. */
    public void awaitOn(Node node, Set<String> expected, String what, Duration timeout) {
        Wait.until(node + " to receive " + what, Wait.HTTP_POLL, timeout, () -> new Holding(node, expected, markers(node)), Holding::complete);
    }

    public void awaitOnEveryNode(Set<String> expected, Duration timeout) {
        for (Node node : target.nodes()) {
            Wait.until(node + " to hold the " + expected.size() + " expected row" + (expected.size() == 1 ? "" : "s"),
                    Wait.HTTP_POLL, timeout, () -> new Holding(node, expected, markers(node)), Holding::complete);
        }
    }

    /** Every marker the node holds (a local read on that node). */
    public Set<String> markers(Node node) {
        return new LinkedHashSet<>(markerList(node));
    }

    /** Every row's marker as the node returns it, duplicates included. */
    public List<String> markerList(Node node) {
        return markerRead(node).markers();
    }

    /** What one read of a node returned: every marker (duplicates included) and the node's applied Raft index then. */
    public record MarkerRead(List<String> markers, Long appliedIndex) {
    }

    /** Every row's marker, with the node's last applied Raft index (null where the server does not send it). */
    public MarkerRead markerRead(Node node) {
        ArcadeClient.Answer answer = target.client(node).queryWithIndex(database, "SELECT marker FROM " + TYPE, Map.of());
        List<String> out = new ArrayList<>(answer.rows().size());
        answer.rows().forEach(r -> out.add(r.path("marker").asText()));
        return new MarkerRead(out, answer.appliedIndex());
    }

    /** Markers that occur more than once in {@code markers}, sorted. */
    public static List<String> duplicates(List<String> markers) {
        Set<String> seen = new java.util.HashSet<>();
        Set<String> twice = new TreeSet<>();
        for (String m : markers) {
            if (!seen.add(m)) {
                twice.add(m);
            }
        }
        return new ArrayList<>(twice);
    }

    /** The markers in {@code expected} that {@code seen} lacks, sorted. */
    public static List<String> missing(Collection<String> expected, Collection<String> seen) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(seen);
        return new ArrayList<>(missing);
    }

    /** "test-arcadedb-2 holds 97 of the 100 expected rows; missing (first 10 of 3): a, b, c". */
    public static String describeMissing(Node node, Collection<String> expected, Collection<String> seen) {
        List<String> missing = missing(expected, seen);
        if (missing.isEmpty()) {
            return node + " holds all " + expected.size() + " expected rows";
        }
        return node + " holds " + (expected.size() - missing.size()) + " of the " + expected.size()
                + " expected rows (" + seen.size() + " rows in all); missing (first 10 of " + missing.size() + "): "
                + String.join(", ", missing.subList(0, Math.min(10, missing.size())));
    }
}
