package ha.core;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** SIGSTOP and SIGCONT of a real process, and the clean-up that leaves none stopped (a target's close, Ctrl-C). */
class FreezerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static char awaitState(long pid, String description, java.util.function.Predicate<Character> ok) {
        return Wait.until(description, Duration.ofMillis(20), WAIT, () -> Freezer.state(pid), ok::test);
    }

    @Test
    void freezeStopsTheProcessAndThawRunsItAgain() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            Freezer.freeze(p.pid(), "sleep");
            assertEquals('T', awaitState(p.pid(), "the process to be stopped", s -> s == 'T'));
            assertEquals(1, Freezer.frozenCount());
            Freezer.thaw(p.pid(), "sleep");
            assertNotEquals('T', awaitState(p.pid(), "the process to run again", s -> s != 'T'));
            assertEquals(0, Freezer.frozenCount());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theShutdownPathResumesEveryFrozenProcessBeforeItKillsThem() throws Exception {
        Process a = new ProcessBuilder("sleep", "60").start();
        Process b = new ProcessBuilder("sleep", "60").start();
        try {
            Freezer.freeze(a.pid(), "a");
            Freezer.freeze(b.pid(), "b");
            awaitState(b.pid(), "b to be stopped", s -> s == 'T');
            Freezer.thawAll();   // what LocalTarget.close and Procs' Ctrl-C hook run first
            assertEquals(0, Freezer.frozenCount());
            assertNotEquals('T', awaitState(a.pid(), "a to run again", s -> s != 'T'));
            assertNotEquals('T', awaitState(b.pid(), "b to run again", s -> s != 'T'));
            Procs.track(a);
            Procs.killAll();
            assertEquals(false, a.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) && a.isAlive(), "a was killed");
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }
}
