package ha.cli;

import ha.support.standin.StandIn;
import ha.target.local.LocalFailureTest;

import ha.core.UsageException;
import ha.target.local.LocalFailureTest.Captured;
import ha.run.Cli;
import ha.target.local.LocalOptions;
import ha.target.local.LocalTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad usage of --target local is one "error:" line and exit 2 before any server starts or any file is written: the
 * arguments would start stand-in servers if the check came late, and the work and report dirs must not exist after.
 */
class UsageBeforeStartTest {
    @TempDir
    Path tmp;

    private Path work() {
        return tmp.resolve("work");
    }

    private Path report() {
        return tmp.resolve("report");
    }

    /** The driver on 3 stand-ins with {@code extra} appended; asserts exit 2, one error line, no folder written. */
    private String refused(String... extra) {
        List<String> args = new ArrayList<>(StandIn.args(work(), 3));
        args.addAll(List.of("--report-dir", report().toString()));
        args.addAll(Arrays.asList(extra));
        Captured run = Captured.run(args);
        assertEquals(Cli.USAGE, run.exitCode(), "expected a usage error for " + List.of(extra) + "; saw:\n" + run.out() + run.err());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("error: ")).count(), "one error line: " + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(run.out().contains("starting "), "no server was started: " + run.out());
        assertFalse(Files.exists(work()), "the work dir was written before the usage error: " + run.err());
        assertFalse(Files.exists(report()), "the report dir was written before the usage error: " + run.err());
        return lines.stream().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
    }

    @Test
    void aScaleToThatDoesNotGrowTheClusterIsRefusedFirst() {
        String line = refused("--phases", "rollout,scale-up", "--scale-to", "2");
        assertTrue(line.contains("--scale-to 2") && line.contains("--nodes 3"), line);
        // not selected: no complaint about it (the run would start; --list starts nothing)
        List<String> args = new ArrayList<>(StandIn.args(work(), 3));
        args.addAll(List.of("--report-dir", report().toString(), "--phases", "rollout", "--scale-to", "2", "--list"));
        assertEquals(Cli.PASSED, Captured.run(args).exitCode());
    }

    @Test
    void portsBeyond65535AreRefusedBeforeTheWorkDirAndPasswordFile() {
        String line = refused("--base-port", "65530");
        assertTrue(line.contains("--base-port 65530") && line.contains("65535"), line);
    }

    @Test
    void aZeroTimeoutIsRefusedWithOrWithoutUnit() {
        String bare = refused("--timeout", "0");
        String unit = refused("--timeout", "0s");
        assertTrue(bare.contains("longer than 0"), bare);
        assertEquals(bare.replace("'0'", "'0s'"), unit, "0 and 0s are the same duration");
    }

    @Test
    void kubernetesOptionsWithTheLocalTargetAreRefused() {
        String line = refused("--release", "other", "--context", "kind-x");
        assertTrue(line.contains("--release") && line.contains("--context") && line.contains("--target kube"), line);
        assertTrue(refused("-n", "ns").contains("--namespace"));
    }

    @Test
    void aWorkDirOrReportDirThatIsAFileSaysSo() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        List<String> args = new ArrayList<>(StandIn.args(file, 3));
        args.addAll(List.of("--report-dir", report().toString()));
        Captured run = Captured.run(args);
        assertEquals(Cli.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("error: --work-dir " + file + " is a file, not a folder"), run.err());
        assertFalse(Files.exists(report()), "no report dir for a run refused at once");

        args = new ArrayList<>(StandIn.args(work(), 3));
        args.addAll(List.of("--report-dir", file.toString()));
        run = Captured.run(args);
        assertEquals(Cli.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("error: --report-dir " + file + " is a file, not a folder"), run.err());
        assertFalse(Files.exists(work()));

        args = new ArrayList<>(StandIn.args(work(), 3));
        args.addAll(List.of("--report-dir", file.resolve("below").toString()));
        run = Captured.run(args);
        assertEquals(Cli.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("error: --report-dir " + file.resolve("below") + ": " + file + " is a file, not a folder"), run.err());
    }

    @Test
    void aPasswordWithAColonNamesTheColon() {
        LocalOptions options = StandIn.options(work(), 3);
        UsageException e = assertThrows(UsageException.class,
                () -> LocalTarget.start(options, Map.of("HA_ROOT_PASSWORD", "long-enough:but-colon"), report(), "colon"));
        assertTrue(e.getMessage().contains("':'") && !e.getMessage().contains("characters;"), e.getMessage());
        assertFalse(Files.exists(work()), "nothing written for a refused password");
        e = assertThrows(UsageException.class, () -> LocalTarget.start(options, Map.of("HA_ROOT_PASSWORD", "short"), report(), "short"));
        assertTrue(e.getMessage().contains("saw 5 characters"), e.getMessage());
    }
}
