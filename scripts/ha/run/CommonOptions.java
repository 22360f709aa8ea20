package ha.run;

import ha.core.Durations;
import ha.core.ProjectRoot;
import ha.core.ReportOptions;
import ha.core.UsageException;
import ha.target.local.LocalOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Options every phase script and the driver share: where the cluster is and how long to wait. */
public final class CommonOptions {
    public enum TargetKind { kube, local }

    /** The options below that only the Kubernetes target reads (--help lists them in their own group). */
    public static final Set<String> KUBERNETES_OPTIONS = Set.of("--context", "--namespace", "--release", "--chart");

    @Option(names = "--target", paramLabel = "KIND",
            description = "kube: the chart's release on a Kubernetes cluster (default). local: ArcadeDB server processes on this machine.")
    public TargetKind target = TargetKind.kube;

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context (default: the current one).")
    public String context;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace of the release (default: the context's, else 'default').")
    public String namespace;

    @Option(names = "--release", paramLabel = "NAME", description = "Helm release of the chart (default: ${DEFAULT-VALUE}).")
    public String release = "test-arcadedb";

    @Option(names = "--chart", paramLabel = "DIR", description = "Chart used by helm upgrade in scale-up (default: charts/arcadedb in the suite's folder).")
    public Path chart;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "How long any one wait of a phase may take, e.g. 90s, 2m; a bare number is seconds (default: 2m).")
    public Duration timeout = Duration.ofMinutes(2);

    @Option(names = "--database", paramLabel = "NAME", description = "Test database, created if absent (default: ${DEFAULT-VALUE}).")
    public String database = "integration-test";

    @Option(names = "--write-via", paramLabel = "WHERE", converter = WriteVia.Converter.class, completionCandidates = WriteVia.Names.class,
            description = "Disruptive phases: where the background writes go. service (default): a round robin over the nodes "
                    + "the chart's client Service routes to now (ready pods; locally, nodes whose readiness probe passes), as "
                    + "applications reach the cluster. leader: the node that itself answers that it leads. every-node (or all): "
                    + "every node in turn, ready or not, to find server defects the Service hides, e.g. a restarting node "
                    + "that acknowledges writes before it rejoins.")
    public WriteVia writeVia = WriteVia.SERVICE;

    @Option(names = "--max-unavailable", paramLabel = "DURATION", converter = Durations.class,
            description = "Disruptive phases: fail a phase in which no write was acknowledged for longer than this, e.g. 30s "
                    + "(default: off; the longest gap is always reported).")
    public Duration maxUnavailable;

    @Option(names = {"-v", "--verbose"}, description = "Also print every poll that was not yet ready.")
    public boolean verbose;

    /** The command these options belong to (null when they were not parsed from a command line). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * Refuses options the chosen target does not read, in one line: --context, --namespace, --release and --chart
     * with --target local (they would be ignored in silence otherwise).
     */
    public void checkTargetOptions() {
        if (target != TargetKind.local || command == null) {
            return;
        }
        CommandLine.ParseResult parsed = command.commandLine() == null ? null : command.commandLine().getParseResult();
        if (parsed == null) {
            return;
        }
        List<String> given = parsed.matchedOptions().stream().map(CommandLine.Model.OptionSpec::longestName)
                .filter(KUBERNETES_OPTIONS::contains).distinct().toList();
        if (!given.isEmpty()) {
            throw new UsageException(String.join(", ", given) + (given.size() == 1 ? " applies" : " apply")
                    + " to --target kube only; drop " + (given.size() == 1 ? "it" : "them") + " with --target local");
        }
    }

    /** The chart: the option, else charts/arcadedb in the suite's folder ({@link ProjectRoot}). */
    public Path chart() {
        return chart != null ? chart : ProjectRoot.resolve("charts", "arcadedb");
    }

    /** Options of --target local (ArcadeDB server processes on this machine). */
    @Mixin
    public LocalOptions local = new LocalOptions();

    @Mixin
    public ReportOptions reports = new ReportOptions();
}
