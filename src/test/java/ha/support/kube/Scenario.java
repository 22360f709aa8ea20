package ha.support.kube;

import ha.core.ReportOptions;
import ha.run.CommonOptions;
import ha.run.Phase;
import ha.run.PhaseResult;
import ha.run.PhaseRunner;
import ha.run.WriteVia;
import ha.target.Target;
import ha.target.kube.KubeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs phases in-process the way the driver does (one runner, reports into {@code reports}) and returns their results. */
public final class Scenario {
    private Scenario() {
    }

    /** Against an open target, which stays open (tests that count port-forwards across runs share one). */
    public static List<PhaseResult> run(Target target, Path reports, Duration timeout, String runId, Phase... phases) {
        return run(target, reports, timeout, runId, WriteVia.SERVICE, phases);
    }

    /** As {@link #run(Target, Path, Duration, String, Phase...)} with the background writes sent as {@code via} says. */
    public static List<PhaseResult> run(Target target, Path reports, Duration timeout, String runId, WriteVia via, Phase... phases) {
        CommonOptions options = new CommonOptions();
        options.writeVia = via;
        options.reports.runId = runId;
        options.timeout = timeout;
        options.reports.reportDir = reports;
        options.reports.collect = ReportOptions.Collect.never;
        return new PhaseRunner(options, true).run(target, List.of(phases));
    }

    public static List<PhaseResult> run(KubeSim cluster, Path reports, Duration timeout, Phase... phases) {
        return run(cluster, reports, timeout, null, phases);
    }

    /** With a fixed run id, so a test knows the markers the phases will write. */
    public static List<PhaseResult> run(KubeSim cluster, Path reports, Duration timeout, String runId, Phase... phases) {
        try (KubeTarget target = cluster.target()) {
            return run(target, reports, timeout, runId, phases);
        }
    }

    public static PhaseResult runOne(KubeSim cluster, Path reports, Duration timeout, Phase phase) {
        return run(cluster, reports, timeout, phase).get(0);
    }
}
