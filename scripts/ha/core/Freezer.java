package ha.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Freezes and thaws processes with SIGSTOP and SIGCONT, and remembers, JVM-wide, how to thaw every process it froze,
 * so that nothing stays stopped: {@link #thawAll} runs at a target's close and, through {@link Procs}' shutdown hook,
 * on Ctrl-C, before any process is stopped. A local process is signalled with {@code kill}; a pod's container on kind
 * with {@code kill} run on the kind node ({@link KindFreezer}).
 */
public final class Freezer {
    /** What thaws each frozen process, by a key naming it ("pid 123", "kind-control-plane pid 456"). */
    private static final Map<String, Runnable> FROZEN = new ConcurrentHashMap<>();
    public static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private Freezer() {
    }

    /** SIGSTOP to local {@code pid}; it is thawed again at the latest by {@link #thawAll}. */
    public static void freeze(long pid, String what) {
        freeze("pid " + pid, List.of("kill", "-STOP", String.valueOf(pid)), List.of("kill", "-CONT", String.valueOf(pid)), what);
    }

    /** SIGCONT to local {@code pid} (harmless for a process that is not stopped). */
    public static void thaw(long pid, String what) {
        thaw("pid " + pid, List.of("kill", "-CONT", String.valueOf(pid)), what);
    }

    /** Runs {@code stop}, having remembered {@code cont} under {@code key} first. */
    public static void freeze(String key, List<String> stop, List<String> cont, String what) {
        FROZEN.put(key, () -> run(cont, what));
        run(stop, what);
    }

    /** Runs {@code cont} and forgets {@code key}. */
    public static void thaw(String key, List<String> cont, String what) {
        run(cont, what);
        FROZEN.remove(key);
    }

    /** How many processes this JVM froze and has not thawed since. */
    public static int frozenCount() {
        return FROZEN.size();
    }

    /** SIGCONT to every process still frozen; a failure is a warning (the process may have exited). Safe from a shutdown hook. */
    public static void thawAll() {
        for (Map.Entry<String, Runnable> e : List.copyOf(FROZEN.entrySet())) {
            try {
                e.getValue().run();
            } catch (RuntimeException ex) {
                Log.warn("could not resume %s: %s", e.getKey(), ex.getMessage());
            }
            FROZEN.remove(e.getKey());
        }
    }

    /**
     * The state letter of a local process as the kernel reports it in /proc/&lt;pid&gt;/stat ('T' stopped, 'S' sleeping,
     * …), or '?' when it cannot be read (no such process, not Linux).
     */
    public static char state(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", String.valueOf(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() ? '?' : stat.charAt(close + 2);
        } catch (java.io.IOException | RuntimeException e) {
            return '?';
        }
    }

    private static void run(List<String> command, String what) {
        Procs.Result r = Procs.run(command, KILL_TIMEOUT);
        if (!r.ok()) {
            throw new SuiteException("'" + String.join(" ", command) + "' (" + what + ") failed: " + r.lastLine());
        }
    }
}
