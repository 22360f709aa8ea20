package ha.driver;

import ha.support.Leftovers;
import ha.support.standin.StandIn;
import ha.target.local.LocalFailureTest;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
import ha.run.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance run: {@code jbang arcadedb-ha@. --target local --arcadedb-home DIR --server-java JDK
 * --report-dir R} runs every phase against an installation in DIR (here: the stand-in), writes R/report.json
 * and R/junit.xml, and leaves no process behind. Through JBang when ci/bootstrap.sh has installed it, else
 * the same command line in this JVM.
 */
class LocalAcceptanceTest {
    private static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", ".")).toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void everyPhasePassesAgainstStandInProcesses() throws Exception {
        Path work = tmp.resolve("work");
        Path report = tmp.resolve("report");
        List<String> args = new ArrayList<>(StandIn.args(work, 3));
        args.addAll(List.of("--report-dir", report.toString(), "--timeout", "90s",
                // low enough for the snapshot-recovery phase to run instead of skipping
                "--server-setting", "arcadedb.ha.snapshotThreshold=50", "--server-setting", "arcadedb.ha.logPurgeGap=10",
                "--server-setting", "arcadedb.ha.logSegmentSize=1MB"));
        ha.support.Jbang.Run run = ha.support.Jbang.run(java.util.Map.of(), "arcadedb-ha", args.toArray(String[]::new));
        int exitCode = run.exitCode();
        String output = run.all();
        System.out.println(output);
        assertEquals(Cli.PASSED, exitCode, output);
        assertEquals(List.of(), Leftovers.processesUsing(work), "no server process may outlive the run");

        JsonNode summary = Json.read(Files.readString(report.resolve("report.json")));
        List<String> phases = new ArrayList<>();
        summary.path("phases").forEach(p -> phases.add(p.path("name").asText() + "=" + p.path("status").asText()));
        List<String> expected = new ArrayList<>();
        for (String line : LocalFailureTest.Captured.run(List.of("--list")).out().split("\n")) {
            if (!line.isBlank()) {
                expected.add(line.trim().split("\\s+")[0] + "=passed");
            }
        }
        assertEquals(expected, phases, "every phase of the suite passed: " + summary);
        assertTrue(Files.readString(report.resolve("junit.xml")).contains("<testsuite"), "junit.xml written");
        for (String node : List.of("arcadedb-0", "arcadedb-1", "arcadedb-2")) {
            assertTrue(Files.isRegularFile(report.resolve("node-logs").resolve(node).resolve("server.log")), node + " log in the report dir");
        }
    }
}
