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

    public PhaseContext(Target target, ClusterOps cluster, Rows rows, Duration timeout, String runId, Map<String, Object> shared) {
        this.target = target;
        this.cluster = cluster;
        this.rows = rows;
        this.timeout = timeout;
        this.runId = runId;
        this.shared = shared;
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
