package ha.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import ha.Json;
import ha.LocalJava;
import ha.e2e.Jbang;
import ha.e2e.OneRealClusterAtATime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole suite against real ArcadeDB 26.8.1 servers: the driver through JBang with {@code --target local}, 3 nodes,
 * all 11 phases with the settings they need. ArcadeDB itself has lost acknowledged rows after kill -9 restarts
 * (arcadedb-local-processes.md), so a disruptive phase may fail with LOST or MISSING; the test accepts that only where
 * its own read of every node's data (a standalone server on a copy of each data folder) confirms the rows the suite
 * names, and it fails on the opposite error too: an acknowledged row absent from a node that no phase reported.
 */
@ExtendWith(OneRealClusterAtATime.class)
class RealServersRunTest {
    static final List<String> PHASES = List.of("rollout", "health", "quorum", "write", "read", "replica-health", "transfer",
            "scale-up", "snapshot-recovery", "failover", "rolling-restart");
    static final Set<String> MAY_LOSE_ROWS = Set.of("scale-up", "snapshot-recovery", "failover", "rolling-restart");
    static final String PASSWORD = "real-server-test-pw-8c1f";
    static final String DATABASE = "integration-test";

    @TempDir
    Path tmp;

    @Test
    void everyPhaseOnRealServersWithVerdictsAnIndependentReadConfirms() throws Exception {
        String[] why = new String[1];
        Optional<Path> home = RealServers.installation(why);
        Assumptions.assumeTrue(home.isPresent(), () -> "skipped: " + why[0]);
        Optional<LocalJava> java = RealServers.java(why);
        Assumptions.assumeTrue(java.isPresent(), () -> "skipped: " + why[0]);

        Path work = tmp.resolve("work");
        Path report = tmp.resolve("report");
        long t0 = System.nanoTime();
        Jbang.Run run = Jbang.run(Duration.ofMinutes(12), RealServers.env(PASSWORD), "arcadedb-ha",
                "--target", "local", "--arcadedb-home", home.get().toString(), "--nodes", "3",
                "--work-dir", work.toString(), "--report-dir", report.toString(), "--no-fail-fast", "--timeout", "2m",
                "--server-setting", "arcadedb.ha.snapshotThreshold=20", "--server-setting", "arcadedb.ha.logPurgeGap=5",
                "--server-setting", "arcadedb.ha.logSegmentSize=1MB", "--server-setting", "arcadedb.ha.appendBufferSize=512KB",
                "--server-setting", "arcadedb.ha.writeBufferSize=1MB");
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println(run.stdout());
        assertTrue(run.exitCode() == 0 || run.exitCode() == 1, "exit 0 (passed) or 1 (a phase failed): " + run.all());
        assertEquals(List.of(), ha.local.Leftovers.processesUsing(work), "no server process may outlive the run");
        assertFalse(run.all().contains(PASSWORD), "the root password is never printed");

        JsonNode summary = Json.read(Files.readString(report.resolve("report.json")));
        Map<String, JsonNode> phases = new LinkedHashMap<>();
        summary.path("phases").forEach(p -> phases.put(p.path("name").asText(), p));
        assertEquals(PHASES, new ArrayList<>(phases.keySet()), "every phase ran, in order");
        String junit = Files.readString(report.resolve("junit.xml"));
        assertTrue(junit.contains("tests=\"11\""), junit);

        Map<String, String> lossFailures = new LinkedHashMap<>();
        for (JsonNode p : phases.values()) {
            String name = p.path("name").asText();
            String status = p.path("status").asText();
            String message = p.path("message").asText();
            if ("failed".equals(status) && MAY_LOSE_ROWS.contains(name) && (message.startsWith("LOST") || message.startsWith("MISSING"))) {
                lossFailures.put(name, message);
                assertTrue(junit.contains("<testcase name=\"" + name + "\"") && junit.contains("LOST") || junit.contains("MISSING"), junit);
                continue;
            }
            assertEquals("passed", status, name + " passed (or failed only for lost rows): " + message);
        }
        assertEquals(lossFailures.isEmpty() ? 0 : 1, run.exitCode(), "the exit status matches the phases");
        JsonNode figures = summary.path("figures");
        assertTrue(figures.has("failover.election time") && figures.has("failover.new leader")
                && figures.has("failover.restarted node re-elected"), "failover reports the election: " + figures);
        assertTrue(figures.path("snapshot-recovery.snapshot install").asText().contains("mode=snapshot")
                || !"passed".equals(phases.get("snapshot-recovery").path("status").asText()), "a genuine snapshot install: " + figures);
        for (String phase : List.of("failover", "rolling-restart")) {
            assertTrue(figures.has(phase + ".writes") && figures.has(phase + ".longest unavailable"), phase + " figures: " + figures);
        }

        // The independent look: what every node holds, read without the suite, against what the history says was acknowledged.
        Set<String> acknowledged = new TreeSet<>();
        for (JsonNode op : RealServers.ops(report.resolve("history.jsonl"))) {
            if ("ACKNOWLEDGED".equals(op.path("outcome").asText())) {
                acknowledged.add(op.path("marker").asText());
            }
        }
        assertTrue(acknowledged.size() > 100, "the history records the run's writes: " + acknowledged.size());
        Map<String, Set<String>> held = new TreeMap<>();
        Path scratch = Files.createDirectories(tmp.resolve("independent"));
        for (String node : List.of("arcadedb-0", "arcadedb-1", "arcadedb-2")) {
            held.put(node, new TreeSet<>(RealServers.markersIn(work.resolve(node).resolve("data"), DATABASE, PASSWORD, home.get(),
                    java.get(), scratch)));
        }
        Map<String, List<String>> absent = new TreeMap<>();
        for (String marker : acknowledged) {
            List<String> lacking = held.entrySet().stream().filter(e -> !e.getValue().contains(marker)).map(Map.Entry::getKey).toList();
            if (!lacking.isEmpty()) {
                absent.put(marker, lacking);
            }
        }
        Set<String> reportedLost = new TreeSet<>();
        Set<String> reportedMissing = new TreeSet<>();
        for (String phase : MAY_LOSE_ROWS) {
            figures.path(phase + ".lost rows").forEach(m -> reportedLost.add(m.asText()));
            figures.path(phase + ".missing rows").fieldNames().forEachRemaining(reportedMissing::add);
        }
        for (String marker : absent.keySet()) {
            if (!reportedLost.contains(marker) && !reportedMissing.contains(marker)) {
                fail("acknowledged row " + marker + " is absent from " + absent.get(marker) + " by the independent read, but no phase "
                        + "reported it (a false pass); reported lost " + reportedLost + ", missing " + reportedMissing);
            }
        }
        for (String marker : reportedLost) {
            assertEquals(List.of("arcadedb-0", "arcadedb-1", "arcadedb-2"), absent.get(marker),
                    "the suite reported " + marker + " LOST: the independent read must find it on no node");
        }
        List<String> healed = reportedMissing.stream().filter(m -> !absent.containsKey(m)).toList();
        StringBuilder phaseLine = new StringBuilder();
        phases.values().forEach(p -> phaseLine.append(' ').append(p.path("name").asText()).append('=').append(p.path("status").asText()));
        String head = String.format(Locale.ROOT, "11 phases on 3 real ArcadeDB servers (%s) in %.0f s, exit %d:%s; failover: %s, "
                        + "new leader %s (restarted node re-elected: %s); snapshot install: %s", home.get(), seconds, run.exitCode(),
                phaseLine, figures.path("failover.election time").asText(), figures.path("failover.new leader").asText(),
                figures.path("failover.restarted node re-elected").asText(), figures.path("snapshot-recovery.snapshot install").asText("-"));
        if (!lossFailures.isEmpty()) {
            ha.e2e.TestNotes.add("real servers", head + "\nArcadeDB lost acknowledged rows, confirmed by the test's own read of every node: "
                    + reportedLost.size() + " lost on every node, " + reportedMissing.size() + " missing on some (" + healed.size()
                    + " of those present everywhere by the end of the run); " + lossFailures);
        } else {
            assertTrue(absent.isEmpty(), "every phase passed, so every acknowledged row is on every node: " + absent);
            ha.e2e.TestNotes.add("real servers", head + "\nEvery phase passed; the test's own read finds all " + acknowledged.size()
                    + " acknowledged rows on every node.");
        }
    }
}
