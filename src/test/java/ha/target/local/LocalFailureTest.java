package ha.target.local;

import ha.support.Leftovers;
import ha.support.standin.StandIn;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
import ha.core.PhaseFailure;
import ha.core.SuiteException;
import ha.core.Wait;
import ha.support.DefaultSigint;
import ha.run.Cli;
import ha.scripts.ArcadedbHa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the local target says when it cannot start, and that it leaves no process behind then either. */
public class LocalFailureTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedStartNamesTheNodeItsPortAndTheLastLinesOfItsLog() throws IOException {
        Path work = tmp.resolve("work");
        LocalOptions options = StandIn.options(work, 2);
        options.serverSettings.put("standin.failAtStartup", "arcadedb-1");
        LocalTarget target = LocalTarget.start(options, Map.of(), null);
        Path passwordFile = work.resolve(LocalWorkDir.PASSWORD_FILE);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)),
                "the random root password is kept for the user alone, so a kept work dir can be logged into");
        assertEquals(24, Files.readString(passwordFile).strip().length());
        PhaseFailure failure;
        try {
            failure = assertThrows(PhaseFailure.class, () -> target.awaitRollout(Duration.ofSeconds(60)));
        } finally {
            target.close();
        }
        String message = failure.getMessage();
        int port = target.ports(target.nodes().get(1)).http();
        assertTrue(message.startsWith("arcadedb-1 (pid "), message);
        assertTrue(message.contains("HTTP port " + port + ")"), "names the port: " + message);
        assertTrue(message.contains("exited with code 1"), message);
        assertTrue(message.contains("lines of its log " + work.resolve("arcadedb-1").resolve("server.log")), message);
        assertTrue(message.contains("| ") && message.contains("stand-in told to fail at startup"), "quotes the log: " + message);
        assertEquals(List.of(), Leftovers.processesUsing(work), "no server process may outlive close()");
    }

    @Test
    void aFailedRunThroughTheDriverExitsOneAndLeavesNoProcess() throws IOException {
        Path work = tmp.resolve("work");
        Path report = tmp.resolve("report");
        List<String> args = new ArrayList<>(StandIn.args(work, 3));
        args.addAll(List.of("--server-setting", "standin.failAtStartup=arcadedb-2", "--timeout", "60s",
                "--report-dir", report.toString(), "--phases", "rollout,health"));
        Captured run = Captured.run(args);
        assertEquals(Cli.FAILED, run.exitCode(), run.out());
        assertTrue(run.out().contains("rollout FAILED") && run.out().contains("arcadedb-2 (pid "), run.out());
        assertEquals(List.of(), Leftovers.processesUsing(work), "no server process may outlive a failed run");
        Path log = report.resolve("node-logs").resolve("arcadedb-2").resolve("server.log");
        assertTrue(Files.readString(log).contains("stand-in told to fail at startup"), "the failed node's log is in the report dir");
        Path diagnostics = report.resolve("diagnostics");
        assertTrue(Files.readString(diagnostics.resolve("processes.txt")).contains("exited with code 1"), "processes.txt names the exit");
        assertTrue(Files.readString(diagnostics.resolve("nodes").resolve("arcadedb-2").resolve("log.txt")).contains("stand-in told to fail"));
    }

    @Test
    void ctrlCStopsEveryServerProcess() throws Exception {
        Path work = tmp.resolve("work");
        Path out = tmp.resolve("driver.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ArcadedbHa.class.getName()));
        command.addAll(StandIn.args(work, 3));
        command.addAll(List.of("--report-dir", tmp.resolve("report").toString(), "--phases", "rollout,health,quorum,failover"));
        Process driver = new ProcessBuilder(DefaultSigint.wrap(command)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Wait.until("the driver to have its servers up", Duration.ofMillis(200), Duration.ofSeconds(90),
                    () -> Files.readString(out), log -> log.contains("rollout passed") || !driver.isAlive());
            assertTrue(driver.isAlive(), "the driver still runs: " + Files.readString(out));
            assertEquals(3, Leftovers.processesUsing(work).size(), "three servers run before Ctrl-C");
            List<String> again = new ArrayList<>(StandIn.args(work, 3));
            again.addAll(List.of("--report-dir", tmp.resolve("report").toString()));
            Captured second = Captured.run(again);
            assertEquals(Cli.USAGE, second.exitCode(), "a second run on the same folders is refused: " + second.out() + second.err());
            assertTrue(second.err().startsWith("error: --report-dir " + tmp.resolve("report") + " is in use by run ")
                    && second.err().contains("(pid " + driver.pid() + ")"), second.err());
            assertEquals(3, Leftovers.processesUsing(work).size(), "the refused run started no server");
            // Ctrl-C while failover runs (it takes seconds: a kill, an election, a replacement), not between phases.
            Wait.until("the driver to start failover", Duration.ofMillis(50), Duration.ofSeconds(90),
                    () -> Files.readString(out), log -> log.contains("[4/4] failover:") || !driver.isAlive());
            assertTrue(driver.isAlive() && !Files.readString(out).contains("[4/4] failover passed"),
                    "the driver is still in failover: " + Files.readString(out));
            new ProcessBuilder("kill", "-INT", String.valueOf(driver.pid())).inheritIO().start().waitFor();
            assertTrue(driver.waitFor(60, TimeUnit.SECONDS), "the driver exits after Ctrl-C");
            assertEquals(130, driver.exitValue(), "Ctrl-C's exit code");
        } finally {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
        }
        assertEquals(List.of(), Leftovers.processesUsing(work), "no server process may outlive Ctrl-C: " + Files.readString(out));
        JsonNode report = Json.read(Files.readString(tmp.resolve("report").resolve("report.json")));
        assertTrue(report.path("aborted").asText().startsWith("interrupted"), "the run was stopped by Ctrl-C, not finished: " + report);
        List<String> statuses = new ArrayList<>();
        report.path("phases").forEach(p -> statuses.add(p.path("name").asText() + "=" + p.path("status").asText()));
        assertEquals(List.of("rollout=passed", "health=passed", "quorum=passed", "failover=interrupted"), statuses,
                "the running phase is recorded as interrupted, the earlier ones as passed");
        String console = Files.readString(out);
        assertTrue(console.contains("interrupted: phase failover [4/4] was running for "), console);
        String junit = Files.readString(tmp.resolve("report").resolve("junit.xml"));
        assertTrue(junit.contains("errors=\"1\"") && junit.contains("type=\"Interrupted\""), junit);
        assertTrue(Files.readString(tmp.resolve("report").resolve("summary.txt")).contains("Interrupted phase: failover"));
    }

    @Test
    void aBadServerJavaIsOneClearLine() throws IOException {
        Path notADir = tmp.resolve("missing-jdk");
        SuiteException e = assertThrows(SuiteException.class, () -> LocalJava.find(notADir, Map.of()));
        assertEquals("--server-java " + notADir + ": no such directory; expected the home of a JDK 21 or newer (it holds bin/java)",
                e.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("empty-jdk"));
        e = assertThrows(SuiteException.class, () -> LocalJava.find(empty, Map.of()));
        assertEquals("--server-java " + empty + " has no executable bin/java; expected the home of a JDK 21 or newer", e.getMessage());

        Path running = Path.of(System.getProperty("java.home"));
        int feature = Runtime.version().feature();
        if (feature < 21) {
            e = assertThrows(SuiteException.class, () -> LocalJava.find(running, Map.of()));
            assertEquals("--server-java " + running + " is Java " + feature + "; ArcadeDB servers need Java 21 or newer", e.getMessage());
        }

        List<String> args = new ArrayList<>(StandIn.args(tmp.resolve("work"), 3));
        args.set(args.indexOf("--server-java") + 1, notADir.toString());
        Captured run = Captured.run(args);
        assertEquals(Cli.USAGE, run.exitCode());
        assertTrue(run.err().contains("error: --server-java " + notADir + ": no such directory"), run.err());
    }

    @Test
    void anUnresolvableVersionLeavesNoFolderAndNamesTheWayOut() {
        LocalOptions options = new LocalOptions();
        options.arcadedbVersion = "0.0.1-no-such-release";
        Path cache = tmp.resolve("cache");
        SuiteException e = assertThrows(SuiteException.class, () -> LocalInstall.resolve(options, Map.of(), cache));
        assertTrue(e.getMessage().startsWith("could not resolve com.arcadedb:arcadedb-server:0.0.1-no-such-release"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; use an unpacked ArcadeDB distribution instead: --arcadedb-home DIR or ARCADEDB_HOME=DIR "
                + "(https://github.com/ArcadeData/arcadedb/releases)"), e.getMessage());
        assertTrue(!Files.exists(cache.resolve("0.0.1-no-such-release")), "no empty .tools/arcadedb/<version>/ is left behind");
    }

    @Test
    void aMissingInstallationIsOneClearLine() throws IOException {
        LocalOptions options = new LocalOptions();
        SuiteException e = assertThrows(SuiteException.class, () -> LocalInstall.resolve(options, Map.of(), tmp));
        assertEquals("--target local needs an ArcadeDB installation: pass --arcadedb-home DIR (an unpacked ArcadeDB distribution; "
                + "its lib/ holds the server jars), set ARCADEDB_HOME, or pass --arcadedb-version VERSION to resolve it from Maven Central",
                e.getMessage());

        options.arcadedbHome = tmp.resolve("nowhere");
        e = assertThrows(SuiteException.class, () -> LocalInstall.resolve(options, Map.of(), tmp));
        assertEquals("--arcadedb-home " + options.arcadedbHome + ": no such directory; expected an unpacked ArcadeDB distribution "
                + "whose lib/ holds the server jars", e.getMessage());

        options.arcadedbHome = Files.createDirectories(tmp.resolve("no-lib"));
        e = assertThrows(SuiteException.class, () -> LocalInstall.resolve(options, Map.of(), tmp));
        assertTrue(e.getMessage().contains("has no lib/ folder"), e.getMessage());

        Path otherJars = Files.createDirectories(tmp.resolve("other").resolve("lib"));
        Files.writeString(otherJars.resolve("something-1.0.jar"), "");
        options.arcadedbHome = otherJars.getParent();
        e = assertThrows(SuiteException.class, () -> LocalInstall.resolve(options, Map.of(), tmp));
        assertEquals("--arcadedb-home " + options.arcadedbHome + ": lib/ has 1 jars but no arcadedb-server-*.jar; is it an ArcadeDB "
                + "distribution?", e.getMessage());

        options.arcadedbHome = null;
        options.serverMainClass = StandIn.MAIN_CLASS;
        LocalInstall fromEnv = LocalInstall.resolve(options, Map.of("ARCADEDB_HOME", StandIn.home().toString()), tmp);
        assertEquals(StandIn.home().resolve("lib"), fromEnv.lib(), "ARCADEDB_HOME is the fallback");

        List<String> args = new ArrayList<>(StandIn.args(tmp.resolve("work"), 3));
        args.set(args.indexOf("--arcadedb-home") + 1, tmp.resolve("nowhere").toString());
        Captured run = Captured.run(args);
        assertEquals(Cli.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("error: --arcadedb-home " + tmp.resolve("nowhere") + ": no such directory"), run.err());
    }

    /** A driver run in this JVM with its stdout and stderr captured. */
    public record Captured(int exitCode, String out, String err) {
        public static Captured run(List<String> args) {
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            int rc;
            try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8); PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
                System.setOut(po);
                System.setErr(pe);
                ha.core.Log.redirect(po, pe);
                rc = Cli.execute(new ArcadedbHa(), args.toArray(String[]::new));
            } finally {
                System.setOut(out);
                System.setErr(err);
                ha.core.Log.redirect(out, err);
            }
            String stdout = o.toString(StandardCharsets.UTF_8);
            String stderr = e.toString(StandardCharsets.UTF_8);
            out.print(stdout);
            err.print(stderr);
            return new Captured(rc, stdout, stderr);
        }
    }
}
