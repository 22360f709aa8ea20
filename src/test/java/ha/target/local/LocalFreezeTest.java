package ha.target.local;

import ha.support.standin.StandIn;

import ha.core.Freezer;
import ha.core.Node;
import ha.core.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local target's pause against a real (stand-in) server process: freeze stops it, thaw runs it again, and a close
 * while it is frozen resumes it before stopping it, so it ends by SIGTERM and not by the kill -9 that a stopped
 * process would get after the grace.
 */
class LocalFreezeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static char await(long pid, String what, java.util.function.Predicate<Character> ok) {
        return Wait.until(what, Duration.ofMillis(20), Duration.ofSeconds(5), () -> Freezer.state(pid), ok::test);
    }

    @Test
    void aFrozenNodeIsResumedBeforeTheTargetStopsIt() throws Exception {
        LocalTarget target = LocalTarget.start(StandIn.options(tmp.resolve("work"), 1), Map.of("HA_ROOT_PASSWORD", "stand-in-Secret-42"),
                tmp.resolve("report"));
        Process p;
        try {
            target.awaitRollout(TIMEOUT);
            assertTrue(target.cannotFreeze().isEmpty(), "local processes can be frozen: " + target.cannotFreeze());
            Node node = target.nodes().get(0);
            p = target.process(node);
            target.freeze(node);
            assertEquals('T', await(p.pid(), "the server process to be stopped", s -> s == 'T'));
            target.thaw(node);
            assertNotEquals('T', await(p.pid(), "the server process to run again", s -> s != 'T'));
            target.freeze(node);
            await(p.pid(), "the server process to be stopped again", s -> s == 'T');
        } catch (RuntimeException | Error e) {
            target.close();
            throw e;
        }
        long t0 = System.nanoTime();
        target.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(p.waitFor(1, TimeUnit.SECONDS), "the process exited at close");
        assertNotEquals(137, p.exitValue(), "stopped by SIGTERM after a SIGCONT, not killed after the grace (took " + took + ")");
        assertEquals(0, Freezer.frozenCount(), "nothing is left frozen");
    }
}
