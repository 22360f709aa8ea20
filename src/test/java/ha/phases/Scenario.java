package ha.phases;

import ha.CommonOptions;
import ha.KubeTarget;
import ha.Phase;
import ha.PhaseResult;
import ha.PhaseRunner;
import ha.kube.KubeSim;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs phases in-process against a {@link KubeSim}, the way the driver does, and returns their results. */
final class Scenario {
    private Scenario() {
    }

    static List<PhaseResult> run(KubeSim cluster, Path reports, Duration timeout, Phase... phases) {
        return run(cluster, reports, timeout, null, phases);
    }

    /** With a fixed run id, so a test knows the markers the phases will write. */
    static List<PhaseResult> run(KubeSim cluster, Path reports, Duration timeout, String runId, Phase... phases) {
        CommonOptions options = new CommonOptions();
        options.reports.runId = runId;
        options.timeout = timeout;
        options.reports.reportDir = reports;
        options.reports.collect = ha.ReportOptions.Collect.never;
        try (KubeTarget target = cluster.target()) {
            return new PhaseRunner(options, true).run(target, List.of(phases));
        }
    }

    static PhaseResult runOne(KubeSim cluster, Path reports, Duration timeout, Phase phase) {
        return run(cluster, reports, timeout, phase).get(0);
    }
}
