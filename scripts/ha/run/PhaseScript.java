package ha.run;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * What every phase script shares: the common options, and running alone when invoked as its own JBang alias. The
 * phase's name and one-line purpose are read from its {@code @Command} (alias {@code ha-<name>}, first description
 * line), so the alias, {@code --help}, reports and the driver's list cannot disagree. The attributes every phase's
 * command has (--help, --version, options in declaration order) are here; picocli reads them through the subclass.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION)
public abstract class PhaseScript implements Phase, Callable<Integer> {
    private static final String ALIAS_PREFIX = "ha-";

    @Mixin
    protected CommonOptions common = new CommonOptions();

    private final int minimumNodes;

    /** A phase that runs on any number of nodes. */
    protected PhaseScript() {
        this(1);
    }

    /** A phase that needs at least {@code minimumNodes} nodes (fewer: skipped, with the reason). */
    protected PhaseScript(int minimumNodes) {
        this.minimumNodes = minimumNodes;
    }

    @Override
    public int minimumNodes() {
        return minimumNodes;
    }

    @Override
    public String name() {
        return command().name().substring(ALIAS_PREFIX.length());
    }

    @Override
    public String summary() {
        return command().description()[0];
    }

    /** Runs this phase alone against the target its options name; the exit code (0, 1, 2) of {@link PhaseRunner#runAlone}. */
    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    private Command command() {
        Command command = getClass().getAnnotation(Command.class);
        if (command == null || !command.name().startsWith(ALIAS_PREFIX) || command.description().length == 0) {
            throw new IllegalStateException(getClass().getSimpleName() + " needs @Command(name = \"ha-<phase>\", description = {PURPOSE, …})");
        }
        return command;
    }
}
