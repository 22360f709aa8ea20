package ha;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Freezes and thaws local processes with SIGSTOP and SIGCONT (the {@code kill} command: Java has no API for them), and
 * remembers every process it froze, JVM-wide, so that nothing stays stopped: {@link #thawAll} runs at a target's close
 * and, through {@link Procs}' shutdown hook, on Ctrl-C, before any process is stopped.
 */
public final class Freezer {
    private static final Set<Long> FROZEN = ConcurrentHashMap.newKeySet();
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private Freezer() {
    }

    /** SIGSTOP to {@code pid}; it is thawed again at the latest by {@link #thawAll}. */
    public static void freeze(long pid, String what) {
        FROZEN.add(pid);
        signal("-STOP", pid, what);
    }

    /** SIGCONT to {@code pid} (harmless for a process that is not stopped). */
    public static void thaw(long pid, String what) {
        signal("-CONT", pid, what);
        FROZEN.remove(pid);
    }

    /** Whether this JVM froze {@code pid} and has not thawed it since. */
    public static boolean frozen(long pid) {
        return FROZEN.contains(pid);
    }

    /** SIGCONT to every process still frozen; a process that exited meanwhile is skipped. Safe from a shutdown hook. */
    public static void thawAll() {
        for (Long pid : List.copyOf(FROZEN)) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    signal("-CONT", pid, "pid " + pid);
                } catch (RuntimeException e) {
                    Log.warn("could not resume pid %d: %s", pid, e.getMessage());
                }
            }
            FROZEN.remove(pid);
        }
    }

    /**
     * The state letter of a process as the kernel reports it in /proc/&lt;pid&gt;/stat ('T' stopped, 'S' sleeping, …),
     * or '?' when it cannot be read (no such process, not Linux).
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

    private static void signal(String signal, long pid, String what) {
        Procs.Result r = Procs.run(List.of("kill", signal, String.valueOf(pid)), KILL_TIMEOUT);
        if (!r.ok()) {
            throw new SuiteException("kill " + signal + " " + pid + " (" + what + ") failed: " + r.lastLine());
        }
    }
}
