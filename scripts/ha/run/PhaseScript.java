package ha.run;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * What every phase script shares: the common options, and running alone when invoked as its own JBang alias. The
 * phase's name and one-line purpose are read from its {@code @Command} (alias {@code ha-<name>}, first description
 * line), so the alias, {@code --help}, reports and the driver's list cannot disagree.
 */
public abstract class PhaseScript implements Phase, Callable<Integer> {
    private static final String ALIAS_PREFIX = "ha-";

    @Mixin
    protected CommonOptions common = new CommonOptions();

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
