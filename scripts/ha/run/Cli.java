package ha.run;

import ha.core.Log;
import ha.core.Redactor;
import ha.core.ReportOptions;
import ha.core.SuiteException;
import ha.core.UsageException;
import ha.target.local.LocalOptions;
import java.io.PrintWriter;
import java.lang.reflect.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Runs a picocli command the way every script of the suite does: exit 0 when all passed, 1 when a
 * phase failed or the environment is not usable, 2 for a bad command line. Errors are one line
 * ("error: …"), never a bare stack trace.
 */
public final class Cli {
    public static final int PASSED = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** What --version prints. */
    public static final String VERSION = "ArcadeDB HA suite 0.1.0 (chart 26.8.1)";

    /** The footer of every --help: what the suite reads from the environment. */
    static final String[] ENVIRONMENT = {
        "",
        "Environment:",
        "  HA_ROOT_PASSWORD      --target local: the servers' root password (8 to 256",
        "                        characters, no ':'); without it a random one. Either",
        "                        way it is kept in <work dir>/root-password (mode",
        "                        0600) and never printed. On Kubernetes it is read",
        "                        from the release's Secret.",
        "  ARCADEDB_HOME         --target local: the ArcadeDB installation when",
        "                        --arcadedb-home is not given.",
        "  ARCADEDB_SERVER_JAVA  --target local: a JDK 21+ for the servers",
        "                        (ci/bootstrap.sh exports one).",
        "  KUBECONFIG            the kubeconfig files (default: ~/.kube/config)."};

    private Cli() {
    }

    /**
     * The option list of --help in groups: the command's own options first (a phase's, the driver's), then
     * the target and waits, each target's options, the reports, and help itself.
     */
    static String groupedOptions(CommandLine.Help help) {
        String own = help.commandSpec().name() + " options:";
        Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
        for (String heading : List.of(own, TARGET, KUBERNETES, LOCAL, REPORTS, HELP)) {
            groups.put(heading, new ArrayList<>());
        }
        for (OptionSpec option : help.commandSpec().options()) {
            if (!option.hidden()) {
                groups.get(groupOf(option, own)).add(option);
            }
        }
        StringBuilder out = new StringBuilder();
        groups.forEach((heading, options) -> {
            if (!options.isEmpty()) {
                out.append(out.length() == 0 ? "" : "\n").append(heading).append('\n').append(help.optionListExcludingGroups(options));
            }
        });
        return out.toString();
    }

    private static final String TARGET = "Target and waits:";
    private static final String KUBERNETES = "Kubernetes (--target kube, the default):";
    private static final String LOCAL = "Local processes (--target local):";
    private static final String REPORTS = "Reports:";
    private static final String HELP = "Help:";

    private static String groupOf(OptionSpec option, String own) {
        if (option.usageHelp() || option.versionHelp()) {
            return HELP;
        }
        Object where = option.userObject();
        Class<?> declaring = where instanceof Member member ? member.getDeclaringClass() : null;
        if (declaring == LocalOptions.class) {
            return LOCAL;
        }
        if (declaring == ReportOptions.class) {
            return REPORTS;
        }
        if (declaring == CommonOptions.class) {
            return CommonOptions.KUBERNETES_OPTIONS.contains(option.longestName()) ? KUBERNETES : TARGET;
        }
        return own;
    }

    public static int execute(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.getCommandSpec().usageMessage().footer(ENVIRONMENT).abbreviateSynopsis(true);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "\n");
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, Cli::groupedOptions);
        cl.setParameterExceptionHandler((ex, ignored) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(Redactor.redact("error: " + ex.getMessage()));
            err.println("Try '" + ex.getCommandLine().getCommandName() + " --help' for usage.");
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof UsageException) {
                err.println(Redactor.redact("error: " + ex.getMessage()));
                err.flush();
                return USAGE;
            }
            String message = ex instanceof SuiteException ? ex.getMessage() : ex.getClass().getSimpleName() + ": " + ex.getMessage();
            err.println(Redactor.redact("error: " + message));
            err.flush();
            return FAILED;
        });
        return cl.execute(args);
    }

    /** Warns on stderr that option {@code old} is deprecated in favour of {@code now}; returns the value given. */
    public static <T> T deprecated(String old, String now, T value) {
        Log.error("warning: %s is deprecated; use %s (the driver's name for it too)", old, now);
        return value;
    }
}
