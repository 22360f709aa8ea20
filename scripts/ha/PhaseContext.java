package ha;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a running phase gets: the target, the cluster verbs, its deadline, and a place for figures. */
public final class PhaseContext {
    private final Target target;
    private final ClusterOps cluster;
    private final Rows rows;
    private final Duration timeout;
    private final String runId;
    private final Map<String, Object> shared;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final WriteVia writeVia;
    private final Duration maxUnavailable;
    private final String phase;

    public PhaseContext(Target target, ClusterOps cluster, Rows rows, Duration timeout, String runId, Map<String, Object> shared) {
        this(target, cluster, rows, timeout, runId, shared, "", WriteVia.SERVICE, null);
    }

    public PhaseContext(Target target, ClusterOps cluster, Rows rows, Duration timeout, String runId, Map<String, Object> shared,
                        String phase, WriteVia writeVia, Duration maxUnavailable) {
        this.target = target;
        this.cluster = cluster;
        this.rows = rows;
        this.timeout = timeout;
        this.runId = runId;
        this.shared = shared;
        this.phase = phase;
        this.writeVia = writeVia;
        this.maxUnavailable = maxUnavailable;
    }

    /** The running phase's name: what its writes and events are recorded under in the history. */
    public String phase() {
        return phase;
    }

    /** The run's one write history (every insert, every fault a phase caused). */
    public History history() {
        return rows.history();
    }

    /** Records something the phase did or saw in the history ("killed", "became-leader"…), for the checker's timings. */
    public void event(String kind, Node node, String detail) {
        history().event(phase, kind, node == null ? null : node.name(), detail);
    }

    /** --write-via: where background writes go. */
    public WriteVia writeVia() {
        return writeVia;
    }

    /** --max-unavailable, or null when off. */
    public Duration maxUnavailable() {
        return maxUnavailable;
    }

    public Target target() {
        return target;
    }

    public ClusterOps cluster() {
        return cluster;
    }

    public Rows rows() {
        return rows;
    }

    /** How long any single wait of the phase may take (--timeout). */
    public Duration timeout() {
        return timeout;
    }

    /** Unique per run; part of every row marker the run writes. */
    public String runId() {
        return runId;
    }

    /** State handed from one phase to the next inside one driver run (empty when a phase runs alone). */
    public Map<String, Object> shared() {
        return shared;
    }

    /** Records a key figure (election time, rows written) for the summary and the reports. */
    public void figure(String key, Object value) {
        figures.put(key, value);
        Log.step("%s = %s", key, value);
    }

    public Map<String, Object> figures() {
        return figures;
    }
}
