package ha.run;

import ha.target.Target;
import ha.target.kube.KubeTarget;
import ha.target.local.LocalTarget;

/** Opens the target the command line asks for. */
public final class Targets {
    private Targets() {
    }

    public static Target open(CommonOptions options) {
        return switch (options.target) {
            case kube -> KubeTarget.connect(options.context, options.namespace, options.release, options.chart());
            case local -> LocalTarget.start(options.local, options.reports.reportDir(), options.reports.runId());
        };
    }
}
