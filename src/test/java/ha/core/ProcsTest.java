package ha.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcsTest {
    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = Files.createTempFile("grandchild", ".pid");
        SuiteException e = assertThrows(SuiteException.class, () -> Procs.run(
                List.of("sh", "-c", "sleep 300 & echo $! > " + pidFile + "; wait"), Duration.ofMillis(700)));
        assertTrue(e.getMessage().contains("did not finish within 0.7 s and was killed with its child processes"), e.getMessage());
        long grandchild = Long.parseLong(Files.readString(pidFile).trim());
        var handle = ProcessHandle.of(grandchild);
        assertTrue(handle.isEmpty() || !handle.get().isAlive(), "the background sleep of the shell was killed too");
    }

    @Test
    void aMissingToolIsOneClearLine() {
        SuiteException e = assertThrows(SuiteException.class, () -> Procs.run(List.of("no-such-tool-xyz", "version"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().startsWith("no-such-tool-xyz is not installed or not on PATH"), e.getMessage());
    }

    @Test
    void exitCodeAndOutputsAreReturned() {
        Procs.Result r = Procs.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(5));
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err", r.lastLine());
    }
}
