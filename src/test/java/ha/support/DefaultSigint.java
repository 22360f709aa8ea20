package ha.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process a test will Ctrl-C must start with SIGINT at its default disposition. A shell that starts a job in the
 * background without job control (a CI wrapper, {@code cmd &} in a script) sets SIGINT to "ignored", the test JVMs
 * inherit that, and a JVM that starts with SIGINT ignored never runs its shutdown hooks on it: the test would then
 * measure how the run was launched, not the suite. {@code env --default-signal=INT} (GNU coreutils) puts it back.
 */
public final class DefaultSigint {
    private static final boolean AVAILABLE = probe();

    private DefaultSigint() {
    }

    /** {@code command} prefixed so that it starts with SIGINT handled by default (unchanged where env cannot). */
    public static List<String> wrap(List<String> command) {
        if (!AVAILABLE) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("env", "--default-signal=INT"));
        out.addAll(command);
        return out;
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
