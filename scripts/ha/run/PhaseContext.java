package ha.run;

import ha.check.ClusterOps;
import ha.check.Elections;
import ha.check.History;
import ha.check.Invariants;
import ha.check.Rows;
import ha.check.ServerLogs;
import ha.core.Log;
import ha.core.Node;
import ha.core.ServerVersion;
import ha.core.Wait;
import ha.nemesis.FaultContext;
import ha.target.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * What a running phase gets: the target and the cluster verbs, its deadline, the run's history and state, and a place
 * for figures. Every verb waits up to the phase's deadline ({@code --timeout}) unless the phase passes another.
 */
public final class PhaseContext {
    /** One background insert every this often. */
    public static final Duration WRITE_INTERVAL = Duration.ofMillis(100);
    /** The most rows one background writer inserts. */
    public static final int MAX_BACKGROUND_ROWS = 3000;

    /** What every phase of one run shares: the cluster, its test rows and history, the run's options and state. */
    public record Run(Target target, ClusterOps cluster, Rows rows, String runId, Duration timeout, WriteVia writeVia,
                      Duration maxUnavailable, RunState state) {
    }

    private final Run run;
    private final String phase;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    public PhaseContext(Run run, String phase) {
        this.run = run;
        this.phase = phase;
    }

    /** The running phase's name: what its writes and events are recorded under in the history. */
    public String phase() {
        return phase;
    }

    public Target target() {
        return run.target();
    }

    public ClusterOps cluster() {
        return run.cluster();
    }

    public Rows rows() {
        return run.rows();
    }

    /** The run's one write history (every insert, every fault a phase caused). */
    public History history() {
        return run.rows().history();
    }

    /** How long any single wait of the phase may take (--timeout). */
    public Duration timeout() {
        return run.timeout();
    }

    /** Unique per run; part of every row marker the run writes. */
    public String runId() {
        return run.runId();
    }

    /** {@code count} row markers of this run, {@code <run id>-<label>-00001} and on. */
    public List<String> markers(String label, int count) {
        List<String> markers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            markers.add(String.format("%s-%s-%05d", runId(), label, i));
        }
        return markers;
    }

    /** What earlier phases of this run handed on (empty when a phase runs alone). */
    public RunState state() {
        return run.state();
    }

    /** --write-via: where background writes go. */
    public WriteVia writeVia() {
        return run.writeVia();
    }

    /** --max-unavailable, or null when off. */
    public Duration maxUnavailable() {
        return run.maxUnavailable();
    }

    /** Records something the phase did or saw in the history ("killed", "became-leader"…), for the checker's timings. */
    public void event(String kind, Node node, String detail) {
        history().event(phase, kind, node == null ? null : node.name(), detail);
    }

    /** Records a key figure (election time, rows written) for the summary and the reports. */
    public void figure(String key, Object value) {
        figures.put(key, value);
        Log.step("%s = %s", key, value);
    }

    public Map<String, Object> figures() {
        return figures;
    }

    // ---------------------------------------------------------------- verbs, with the phase's deadline

    /** Polls {@code observe} at HTTP pace until {@code ready} accepts what it saw, up to the phase's deadline; returns that. */
    public <T> T until(String description, Callable<T> observe, Predicate<T> ready) {
        return Wait.until(description, Wait.HTTP_POLL, timeout(), observe, ready);
    }

    /** Waits until every node names the same leader, which says so itself; returns it. */
    public Node awaitLeader() {
        return cluster().awaitLeader(timeout());
    }

    /** As {@link #awaitLeader()}, the wait named "{@code who} to name the same leader" ("every node, the restarted one too,"). */
    public Node awaitLeader(String who) {
        return cluster().awaitLeader(ClusterOps.oneLeader(who), timeout());
    }

    /** As {@link #awaitLeader(String)} among some of the nodes only. */
    public Node awaitLeader(String who, List<Node> among) {
        return cluster().awaitLeader(ClusterOps.oneLeader(who), timeout(), among);
    }

    /** The servers' version (asked once per run), which says which status fields they report. */
    public ServerVersion version() {
        return cluster().version(timeout());
    }

    /** Waits until the target's nodes are rolled out and ready (the StatefulSet on Kubernetes, the processes locally). */
    public void awaitRollout() {
        target().awaitRollout(timeout());
    }

    /** Waits until {@code leader} reports every follower HEALTHY. */
    public void awaitFollowersHealthy(Node leader) {
        cluster().awaitFollowersHealthy(leader, timeout());
    }

    /** Waits until {@code leader} reports {@code follower} HEALTHY. */
    public void awaitFollowerHealthy(Node leader, Node follower) {
        cluster().awaitFollowerHealthy(leader, follower, timeout());
    }

    /** Creates the test database and row type through {@code leader}, unless they exist. */
    public void ensureSchema(Node leader) {
        rows().ensureSchema(leader, timeout());
    }

    /** Inserts one row through {@code node}, retrying transient failures; returns the acknowledging answer's commit index. */
    public Long insertAcknowledged(Node node, String marker) {
        return rows().insertAcknowledged(node, marker, phase, timeout());
    }

    /** Inserts every row of {@code markers} through {@code node}, each acknowledged before the next is sent. */
    public void insertAllAcknowledged(Node node, List<String> markers) {
        rows().insertAllAcknowledged(node, markers, phase, timeout());
    }

    /** As {@link #insertAllAcknowledged(Node, List)}, each row with a payload of {@code payloadChars} characters. */
    public void insertAllAcknowledged(Node node, List<String> markers, int payloadChars) {
        rows().insertAllAcknowledged(node, markers, phase, payloadChars, timeout());
    }

    /** Whether the first answer of {@code node} to a read at {@code consistency} (after {@code readAfter}, or null) holds the row. */
    public boolean holdsAtFirstAnswer(Node node, String marker, String consistency, Long readAfter) {
        return rows().holdsAtFirstAnswer(node, marker, consistency, readAfter, timeout());
    }

    /** Waits until every node holds every row of {@code markers}. */
    public void awaitOnEveryNode(Set<String> markers) {
        rows().awaitOnEveryNode(markers, timeout());
    }

    /** Waits until {@code node} holds every row of {@code markers} ({@code what} names them in the wait). */
    public void awaitOn(Node node, Set<String> markers, String what) {
        rows().awaitOn(node, markers, what, timeout());
    }

    /** Waits until {@code node} holds exactly the rows {@code leader} holds; returns how many. */
    public int awaitSameRowsAs(Node leader, Node node) {
        return rows().awaitSameRowsAs(leader, node, timeout());
    }

    /** The cluster invariants, with this phase's deadline. */
    public Invariants invariants() {
        return new Invariants(target(), cluster(), rows().database(), timeout());
    }

    /** Starts a background writer whose markers are {@code <run id>-<what>-NNNNN}. */
    public BackgroundWriter startWriter(String what) {
        return new BackgroundWriter(target(), rows(), writeVia(), phase, runId() + "-" + what, WRITE_INTERVAL, MAX_BACKGROUND_ROWS);
    }

    /** What a fault gets: this phase's target, history and deadline, and the cluster as it is now with {@code leader} leading. */
    public FaultContext faultContext(Node leader) {
        return new FaultContext(target(), cluster(), history(), phase, timeout(), Elections.before(target(), cluster().views(), leader));
    }

    /**
     * Waits until {@code among} agree on a leader elected in a term after {@code before} that says it leads; records its
     * election as an event ({@code why}) and the new leader and, where the server logs show them, the terms as figures.
     */
    public Node awaitNewTermLeader(String who, List<Node> among, Elections.Before before, String why) {
        ClusterOps.Views views = until(who + " to agree on a leader elected in a new term", () -> cluster().views(among),
                v -> Elections.newTermLeader(target(), v, before) != null);
        Node leader = Elections.newTermLeader(target(), views, before);
        event("became-leader", leader, why);
        figure("new leader", leader.name());
        Long term = ServerLogs.lastTerm(target(), leader);
        if (before.term() != null && term != null) {
            figure("term", before.term() + " -> " + term);
        }
        return leader;
    }

    /** Waits until this phase's history holds a write acknowledged at or after {@code sinceMillis} (epoch millis). */
    public void awaitWriteAcknowledgedSince(long sinceMillis, String description) {
        until(description, () -> history().ops(phase).stream()
                .filter(o -> o.outcome() == History.Outcome.ACKNOWLEDGED && o.answeredMillis() >= sinceMillis).count(), n -> n > 0);
    }

    /** Waits until every node holds the same number of rows of this run; false (and nothing thrown) when that did not happen in time. */
    public boolean awaitSameRowCounts(String description) {
        try {
            until(description, () -> target().nodes().stream()
                    .map(n -> rows().markers(n).stream().filter(m -> m.startsWith(runId())).count()).toList(),
                    counts -> Set.copyOf(counts).size() == 1);
            return true;
        } catch (Wait.WaitTimeoutException e) {
            return false;
        }
    }
}
