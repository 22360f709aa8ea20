package ha.ci;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ci/leftover-processes.sh, which ci/test.sh runs after Maven: a process that looks like a server a test started (its
 * command line holds -Darcadedb.server.rootPath=) and still runs is named, with its secrets masked, and killed. Each
 * test limits it to its own folder (UNDER): the other tests' servers run meanwhile.
 */
class LeftoverProcessesScriptTest {
    @TempDir
    Path tmp;

    record Run(int exitCode, String out) {
    }

    private Run check(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", IntegrationScriptTest.ROOT.resolve("ci/leftover-processes.sh").toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "ci/leftover-processes.sh ends within a minute");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** A process whose command line reads like a server's (argv[0] set by bash's exec -a), sleeping. */
    private Process fakeServer(Path root) throws Exception {
        String argv0 = "java -Darcadedb.server.rootPath=" + root + " -Darcadedb.server.rootPassword=hunter22 ServerMain";
        return new ProcessBuilder("bash", "-c", "exec -a \"$0\" sleep 300", argv0).start();
    }

    @Test
    void aServerStartedSinceTheTestsBeganIsNamedMaskedAndKilled() throws Exception {
        long began = System.currentTimeMillis() / 1000 - 2;
        Path root = tmp.resolve("work").resolve("arcadedb-1").resolve("data");
        Process server = fakeServer(root);
        try {
            Run run = check(String.valueOf(began), tmp.toString());   // only this test's: other tests run servers meanwhile
            assertEquals(1, run.exitCode(), run.out());
            assertTrue(run.out().contains("error: left running: pid " + server.pid() + ", started "), run.out());
            assertTrue(run.out().contains("server folder " + root), run.out());
            assertTrue(run.out().contains("rootPassword=***") && !run.out().contains("hunter22"), "the password is masked: " + run.out());
            assertTrue(server.waitFor(10, TimeUnit.SECONDS), "the leftover is killed");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aServerStartedBeforeTheTestsIsNotTheirs() throws Exception {
        Process server = fakeServer(tmp.resolve("data"));
        try {
            long began = System.currentTimeMillis() / 1000 + 60;
            Run run = check(String.valueOf(began), tmp.toString());
            assertEquals(0, run.exitCode(), run.out());
            assertTrue(run.out().startsWith("leftover processes: none"), run.out());
            assertTrue(server.isAlive(), "a process older than the tests is left alone");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Run missing = check();
        assertEquals(2, missing.exitCode());
        assertEquals("error: SINCE is missing; see ci/leftover-processes.sh --help\n", missing.out());
        Run word = check("yesterday");
        assertEquals(2, word.exitCode());
        assertFalse(word.out().contains("Traceback"), word.out());
        Run help = check("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().startsWith("Usage: ci/leftover-processes.sh SINCE"), help.out());
    }
}
