package ha.run;

import ha.support.Leftovers;
import ha.support.standin.StandIn;
import ha.target.local.LocalFailureTest;

import ha.core.RunLock;
import ha.core.UsageException;
import ha.target.local.LocalFailureTest.Captured;
import ha.target.local.LocalTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two runs never share a work or report folder; a folder an earlier run left is reused after saying so, or refused with what to do. */
class RunFoldersTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noKubeconfig() {
        System.clearProperty("kubeconfig");
    }

    @Test
    void aSecondRunOnAFolderInUseIsRefusedNamingTheFirst() {
        Path report = tmp.resolve("report");
        try (RunLock first = RunLock.take(report, "--report-dir", "first-run")) {
            List<String> args = new ArrayList<>(StandIn.args(tmp.resolve("work"), 3));
            args.addAll(List.of("--report-dir", report.toString(), "--run-id", "first-run"));
            Captured run = Captured.run(args);
            assertEquals(Cli.USAGE, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().startsWith("error: --report-dir " + report + " is in use by run first-run (pid "
                    + ProcessHandle.current().pid() + ")"), run.err());
            assertFalse(Files.exists(tmp.resolve("work")), "the refused run started nothing");
            assertFalse(Files.exists(report.resolve("summary.txt")), "the refused run wrote no report into the first run's folder");
        }
        try (RunLock work = RunLock.take(tmp.resolve("work"), "--work-dir", "other-run")) {
            UsageException e = assertThrows(UsageException.class,
                    () -> LocalTarget.start(StandIn.options(tmp.resolve("work"), 3), Map.of(), tmp.resolve("r2"), "second"));
            assertTrue(e.getMessage().startsWith("--work-dir " + tmp.resolve("work") + " is in use by run other-run"), e.getMessage());
        }
    }

    @Test
    void aWorkDirAnEarlierRunLeftIsRefusedWithWhatToDo() throws Exception {
        Path work = tmp.resolve("work");
        Path node = Files.createDirectories(work.resolve("arcadedb-0"));
        Files.writeString(node.resolve("server.log"), "old");
        Files.writeString(node.resolve("server-0.log"), "older");
        Files.writeString(work.resolve(RunLock.FILE), "run killed-run pid 999999999\n");
        UsageException e = assertThrows(UsageException.class,
                () -> LocalTarget.start(StandIn.options(work, 3), Map.of(), tmp.resolve("report"), "killed-run"));
        assertEquals("--work-dir " + work + " holds the server folders of an earlier run (killed-run, pid 999999999, no longer "
                + "running); remove it (rm -rf " + work + ") or give this run another --work-dir or --run-id", e.getMessage());
        assertEquals(List.of(), Leftovers.processesUsing(work), "no server started");
    }

    @Test
    void aReportDirAnEarlierRunLeftIsReusedAfterSayingSo() throws Exception {
        Path report = Files.createDirectories(tmp.resolve("report"));
        Files.writeString(report.resolve("report.json"), "{\"status\": \"passed\", \"runId\": \"old-run\"}\n");
        Files.createDirectories(report.resolve("diagnostics/nodes/x"));
        Files.writeString(report.resolve("diagnostics/events.txt"), "old events");
        Files.writeString(report.resolve("history.jsonl"), "{}\n");
        Files.writeString(report.resolve("notes.txt"), "the user's own file");
        System.setProperty("kubeconfig", tmp.resolve("no-kubeconfig").toString());
        Captured run = Captured.run(List.of("--report-dir", report.toString(), "--run-id", "new-run", "--phases", "health"));
        assertEquals(Cli.FAILED, run.exitCode(), "no cluster to use: " + run.out() + run.err());
        assertTrue(run.out().contains("the report dir " + report + " held the reports of run old-run; they are replaced"), run.out());
        assertFalse(Files.exists(report.resolve("diagnostics")), "the earlier run's diagnostics are gone");
        assertFalse(Files.exists(report.resolve("history.jsonl")), "the earlier run's history is gone");
        assertTrue(Files.exists(report.resolve("notes.txt")), "files the suite does not write stay");
        assertTrue(Files.readString(report.resolve("summary.txt")).startsWith("ArcadeDB HA suite, run new-run: ERROR"));
    }
}
