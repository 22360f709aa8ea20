package ha.driver;

import ha.support.real.DeposedLeaderFinding;
import ha.support.real.FrozenLeaderFinding;
import ha.support.real.IndependentCheck;
import ha.support.real.RealServers;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
import ha.support.Jbang;
import ha.support.real.OneRealClusterAtATime;
import ha.support.TestNotes;
import ha.target.local.LocalJava;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suite against real ArcadeDB servers (26.8.1, the chart's appVersion), through JBang with {@code --target local} on
 * 3 nodes, each run's verdicts checked by the test's own read of every node's data ({@link IndependentCheck}: a
 * standalone server on a copy of each data folder, read over plain HTTP).
 * <ol>
 *   <li>Every phase with the default {@code --write-via service}: writes go only to ready nodes, as through the chart's
 *       client Service, and every phase must pass.</li>
 *   <li>failover and rolling-restart with {@code --write-via every-node}: writes also reach restarting nodes, which on
 *       26.8.1 acknowledge rows before they rejoin and lose them. The run must report lost or missing rows, classed by
 *       the acknowledging node's readiness as the history records it.</li>
 * </ol>
 */
@ExtendWith(OneRealClusterAtATime.class)
class RealServersRunTest {
    static final List<String> PHASES = List.of("rollout", "health", "quorum", "write", "read", "replica-health", "transfer",
            "scale-up", "snapshot-recovery", "failover", "rolling-restart");
    /** Run on their own: partition gives the nodes name-based peers, and the whole default run with them did not end in 15 min. */
    static final List<String> FREEZE_AND_CUT = List.of("rollout", "quorum", "pause", "partition");
    static final String PASSWORD = "real-server-test-pw-8c1f";
    static final String DATABASE = "integration-test";
    static final List<String> NODES = List.of("arcadedb-0", "arcadedb-1", "arcadedb-2");
    static final Path PROJECT = Path.of(System.getProperty("ha.projectRoot", "."));

    @TempDir
    Path tmp;

    private Path home;
    private LocalJava java;

    @BeforeEach
    void realServers() {
        String[] why = new String[1];
        Optional<Path> installation = RealServers.installation(why);
        Assumptions.assumeTrue(installation.isPresent(), () -> "skipped: " + why[0]);
        Optional<LocalJava> jdk = RealServers.java(why);
        Assumptions.assumeTrue(jdk.isPresent(), () -> "skipped: " + why[0]);
        home = installation.get();
        java = jdk.get();
    }

    /** One driver run on 3 fresh local servers; returns it with the work and report folders. */
    private record Run(Jbang.Run process, Path work, Path report, double seconds, JsonNode summary, List<JsonNode> ops,
                       Map<String, JsonNode> phases) {
        JsonNode figures() {
            return summary.path("figures");
        }
    }

    private Run drive(String name, Duration limit, String... extra) throws Exception {
        Path work = tmp.resolve(name + "-work");
        Path report = tmp.resolve(name + "-report");
        List<String> args = new ArrayList<>(List.of("--target", "local", "--arcadedb-home", home.toString(), "--nodes", "3",
                "--work-dir", work.toString(), "--report-dir", report.toString(), "--no-fail-fast", "--timeout", "2m"));
        args.addAll(List.of(extra));
        long t0 = System.nanoTime();
        Jbang.Run run = Jbang.run(limit, RealServers.env(PASSWORD), "arcadedb-ha", args.toArray(String[]::new));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println(run.stdout());
        assertEquals(List.of(), ha.support.Leftovers.processesUsing(work), "no server process may outlive the run");
        assertFalse(run.all().contains(PASSWORD), "the root password is never printed");
        // the reports (with the diagnostics of a failed phase: server logs, every node's view) outlive the temporary folder
        Path kept = Path.of(System.getProperty("ha.projectRoot", ".")).resolve("target").resolve("real-server-runs").resolve(name);
        if (Files.exists(kept)) {
            try (Stream<Path> old = Files.walk(kept)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        ha.support.TestFiles.copyTree(report, kept, p -> true);
        System.out.println("reports of the " + name + " run kept in " + kept);
        JsonNode summary = Json.read(Files.readString(report.resolve("report.json")));
        Map<String, JsonNode> phases = new LinkedHashMap<>();
        summary.path("phases").forEach(p -> phases.put(p.path("name").asText(), p));
        return new Run(run, work, report, seconds, summary, IndependentCheck.historyOps(report.resolve("history.jsonl")), phases);
    }

    /** What every node holds at the end, by the independent read. */
    private Map<String, List<String>> heldAtTheEnd(Run run, String name) throws Exception {
        Map<String, List<String>> held = new TreeMap<>();
        Path scratch = Files.createDirectories(tmp.resolve(name + "-independent"));
        for (String node : NODES) {
            held.put(node, RealServers.markersIn(run.work().resolve(node).resolve("data"), DATABASE, PASSWORD, home, java, scratch));
        }
        return held;
    }

    @Test
    void everyPhasePassesWithWritesSentAsThroughTheClientServiceAndAnIndependentReadAgrees() throws Exception {
        Run run = drive("service", Duration.ofMinutes(10), "--phases", String.join(",", PHASES),
                "--server-setting", "arcadedb.ha.snapshotThreshold=20", "--server-setting", "arcadedb.ha.logPurgeGap=5",
                "--server-setting", "arcadedb.ha.logSegmentSize=1MB", "--server-setting", "arcadedb.ha.appendBufferSize=512KB",
                "--server-setting", "arcadedb.ha.writeBufferSize=1MB");
        assertEquals(PHASES, new ArrayList<>(run.phases().keySet()), "every phase ran, in order");
        String junit = Files.readString(run.report().resolve("junit.xml"));
        assertTrue(junit.contains("tests=\"" + PHASES.size() + "\""), junit);
        Map<String, List<String>> held = heldAtTheEnd(run, "service");
        IndependentCheck.Findings findings = IndependentCheck.check(run.summary(), run.ops(), held);
        TestNotes.add("real servers", String.format(Locale.ROOT, "default --write-via service: %d phases on 3 real ArcadeDB servers (%s) "
                        + "in %.0f s, exit %d: %s; failover election %s (restarted node re-elected: %s); longest unavailable: failover %s, "
                        + "rolling-restart %s; snapshot install: %s%nindependent read: %s%s", PHASES.size(), home, run.seconds(), run.process().exitCode(),
                findings.perPhase(), run.figures().path("failover.election time").asText("-"),
                run.figures().path("failover.restarted node re-elected").asText("-"),
                run.figures().path("failover.longest unavailable").asText("-"), run.figures().path("rolling-restart.longest unavailable").asText("-"),
                run.figures().path("snapshot-recovery.snapshot install").asText("-"), findings.summary(),
                findings.agrees() ? "" : "\nDISAGREES: " + findings.failures()));

        assertTrue(findings.agrees(), () -> "the independent read disagrees with the suite's verdicts: " + findings.failures());
        List<String> lateRows = new ArrayList<>();
        for (JsonNode p : run.phases().values()) {
            String late = lateRowsAfterASnapshotInstall(p, run.ops());
            if (late == null) {
                late = aReplicaThatStoppedFollowing(p, run.figures());
            }
            if (late != null) {
                lateRows.add(late);
                continue;
            }
            assertEquals("passed", p.path("status").asText(), () -> p.path("name").asText() + " must pass with writes sent to ready "
                    + "nodes only; a loss here is an ArcadeDB finding, not to be tolerated: " + p.path("message").asText());
        }
        if (lateRows.isEmpty()) {
            assertEquals(0, run.process().exitCode(), run.process()::all);
            assertTrue(junit.contains("failures=\"0\"") && junit.contains("errors=\"0\""), junit);
        } else {
            // the suite must fail the run for it, and say so in junit.xml too
            assertEquals(1, run.process().exitCode(), run.process()::all);
            assertTrue(junit.contains("failures=\"" + lateRows.size() + "\""), junit);
            TestNotes.add("real servers", "ArcadeDB findings (docs/upstream-findings.md, \"Seen, not yet reproducible with one "
                    + "command\"), the run failed for them and the independent read confirmed them: " + lateRows);
        }
        assertTrue(findings.acknowledged() > 100, "the history records the run's writes: " + findings.acknowledged());
        JsonNode figures = run.figures();
        assertTrue(figures.has("failover.election time") && figures.has("failover.new leader")
                && figures.has("failover.restarted node re-elected"), "failover reports the election: " + figures);
        assertTrue(figures.path("snapshot-recovery.snapshot install").asText().contains("mode=snapshot"), "a genuine snapshot install: " + figures);
        for (String phase : List.of("failover", "rolling-restart")) {
            assertTrue(figures.has(phase + ".writes") && figures.has(phase + ".longest unavailable"), phase + " figures: " + figures);
        }
    }

    private static final Pattern LATE_AFTER_SNAPSHOT = Pattern.compile(
            "waiting for (\\S+) to receive the \\d+ rows written after it came back; .*missing \\(first \\d+ of \\d+\\): (.+)$");

    /**
     * The one failure of the default run that is ArcadeDB's (docs/upstream-findings.md, "Seen, not yet reproducible with
     * one command"): snapshot-recovery's wiped follower lacks rows written after its snapshot install for the whole
     * deadline. It counts as that finding only when every row the verdict names was acknowledged in this phase by the
     * history (the suite did not make it up); the independent read has already checked every other verdict. Returns
     * what to note, or null when {@code phase} is not that failure.
     */
    private static String lateRowsAfterASnapshotInstall(JsonNode phase, List<JsonNode> ops) throws IOException {
        if (!"snapshot-recovery".equals(phase.path("name").asText()) || !"failed".equals(phase.path("status").asText())) {
            return null;
        }
        Matcher m = LATE_AFTER_SNAPSHOT.matcher(phase.path("message").asText());
        if (!m.find()) {
            return null;
        }
        Set<String> acknowledged = new TreeSet<>();
        ops.stream().filter(op -> "snapshot-recovery".equals(op.path("phase").asText()) && "ACKNOWLEDGED".equals(op.path("outcome").asText()))
                .forEach(op -> acknowledged.add(op.path("marker").asText()));
        List<String> named = List.of(m.group(2).trim().split(",\\s*"));
        assertTrue(acknowledged.containsAll(named), () -> "snapshot-recovery names rows " + named + " the history did not acknowledge: "
                + phase.path("message").asText());
        assertTrue(Files.readString(Path.of(System.getProperty("ha.projectRoot", ".")).resolve("docs/upstream-findings.md"))
                .contains("A follower that has just installed a snapshot holds back"), "the finding is written up for ArcadeDB");
        return m.group(1) + " lacked " + named + " for the whole deadline";
    }

    /**
     * The other failure of the default run that is ArcadeDB's (docs/upstream-findings.md, "A node restarted in a rolling
     * restart stays without a leader"): rolling-restart reports MISSING rows, none lost, every one lacking on the same
     * single node, which still names no leader when the checker gives up. The independent read has already confirmed
     * each of those rows absent from that node and present on the others. Null when {@code phase} is not that failure.
     */
    private static String aReplicaThatStoppedFollowing(JsonNode phase, JsonNode figures) throws IOException {
        String message = phase.path("message").asText();
        if (!"rolling-restart".equals(phase.path("name").asText()) || !"failed".equals(phase.path("status").asText())
                || !message.startsWith("MISSING") || !message.contains("the cluster did not settle")
                || figures.path("rolling-restart.lost rows").size() > 0) {
            return null;
        }
        Set<String> lackingOn = new TreeSet<>();
        figures.path("rolling-restart.missing rows").forEach(nodes -> nodes.forEach(n -> lackingOn.add(n.asText())));
        int rows = figures.path("rolling-restart.missing rows").size();
        if (rows == 0 || lackingOn.size() != 1 || !message.contains(lackingOn.iterator().next() + ": leaderId=null")) {
            return null;
        }
        assertTrue(Files.readString(Path.of(System.getProperty("ha.projectRoot", ".")).resolve("docs/upstream-findings.md"))
                .contains("A node restarted in a rolling restart stays without a leader"), "the finding is written up for ArcadeDB");
        return lackingOn.iterator().next() + " named no leader after the rolling restart and lacked " + rows + " acknowledged rows";
    }

    @Test
    void aFrozenLeaderAndACutOffLeaderAreReplacedWithoutLossAndAnIndependentReadAgrees() throws Exception {
        Run run = drive("freeze-and-cut", Duration.ofMinutes(8), "--phases", String.join(",", FREEZE_AND_CUT));
        assertEquals(FREEZE_AND_CUT, new ArrayList<>(run.phases().keySet()), "every phase ran, in order");
        IndependentCheck.Findings findings = IndependentCheck.check(run.summary(), run.ops(), heldAtTheEnd(run, "freeze-and-cut"));
        String noCut = ha.target.local.LocalNetwork.unavailableReason();
        JsonNode f = run.figures();
        TestNotes.add("real servers", String.format(Locale.ROOT, "pause and partition on 3 real servers in %.0f s, exit %d: %s; pause: "
                        + "election %s, woken node followed after %s, its first answer %s, linearizable reads %s, longest unavailable %s; "
                        + "partition: %s%nindependent read: %s%s", run.seconds(), run.process().exitCode(), findings.perPhase(),
                f.path("pause.election time").asText("-"), f.path("pause.woken node followed after").asText("-"),
                f.path("pause.woken node's first answer").asText("-"), f.path("pause.linearizable reads on the woken node").asText("-"),
                f.path("pause.longest unavailable").asText("-"), noCut != null ? "skipped (" + noCut + ")" : "time to new leader "
                        + f.path("partition.time to new leader").asText("-") + ", converged after heal "
                        + f.path("partition.converged after heal").asText("-") + ", " + f.path("partition.writes during the cut").asText("-"),
                findings.summary(), findings.agrees() ? "" : "\nDISAGREES: " + findings.failures()));
        assertTrue(findings.agrees(), () -> "the independent read disagrees with the suite's verdicts: " + findings.failures());
        List<String> found = new ArrayList<>();
        for (JsonNode p : run.phases().values()) {
            if (noCut != null && "partition".equals(p.path("name").asText())) {
                assertEquals("skipped", p.path("status").asText(), "without root or nft, partition is skipped: " + p);
                assertEquals(noCut, p.path("message").asText());
                continue;
            }
            String cutOff = DeposedLeaderFinding.of(p, f, run.report().resolve("history.jsonl"), PROJECT);
            String frozen = FrozenLeaderFinding.of(p, f, run.report().resolve("history.jsonl"), PROJECT);
            if (cutOff != null) {
                found.add("\"" + DeposedLeaderFinding.HEADING + "\": " + cutOff);
            } else if (frozen != null) {
                found.add("\"" + FrozenLeaderFinding.HEADING + "\": " + frozen);
            } else {
                assertEquals("passed", p.path("status").asText(), () -> p.path("name").asText() + ": " + p.path("message").asText());
            }
        }
        if (found.isEmpty()) {
            assertEquals(0, run.process().exitCode(), run.process()::all);
        } else {
            // the suite must fail the run for it; the independent read above confirmed each lost row on no node
            assertEquals(1, run.process().exitCode(), run.process()::all);
            TestNotes.add("real servers", "ArcadeDB finding (docs/upstream-findings.md), the run failed for it and the independent "
                    + "read confirmed it: " + String.join("; ", found));
        }
        assertTrue(f.has("pause.election time") && f.has("pause.woken node followed after"), "pause reports its figures: " + f);
        assertTrue(noCut != null || f.has("partition.time to new leader"), "partition reports its figures: " + f);
        assertEquals(List.of(), leftoverTables(), "no nft table of the suite is left behind");
    }

    /** The suite's nft tables still present (none may outlive a run). */
    private static List<String> leftoverTables() throws IOException, InterruptedException {
        Process nft = new ProcessBuilder("nft", "list", "tables").redirectErrorStream(true).start();
        String text = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        nft.waitFor();
        return text.lines().filter(l -> l.contains("arcadedb_ha_")).toList();
    }

    @Test
    void writesToEveryNodeFindTheRestartWindowClassedNotReadyAndAnIndependentReadConfirmsThem() throws Exception {
        Run run = drive("every-node", Duration.ofMinutes(6), "--phases", "failover,rolling-restart", "--write-via", "every-node");
        assertEquals(List.of("failover", "rolling-restart"), new ArrayList<>(run.phases().keySet()), "both phases ran");
        Map<String, List<String>> held = heldAtTheEnd(run, "every-node");
        IndependentCheck.Findings findings = IndependentCheck.check(run.summary(), run.ops(), held);

        // the test's own classing, from the history alone: who acknowledged each reported row, and was it ready then
        Map<String, JsonNode> firstAck = new TreeMap<>();
        Map<String, Set<String>> ackedWhileNotReady = new TreeMap<>();   // phase -> nodes that acknowledged a write while not ready
        for (JsonNode op : run.ops()) {
            if ("ACKNOWLEDGED".equals(op.path("outcome").asText())) {
                firstAck.putIfAbsent(op.path("marker").asText(), op);
                if (op.path("nodeReady").isBoolean() && !op.path("nodeReady").asBoolean()) {
                    ackedWhileNotReady.computeIfAbsent(op.path("phase").asText(), k -> new TreeSet<>()).add(op.path("node").asText());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, Integer> notReady = new TreeMap<>();
        int reported = 0;
        for (String phase : run.phases().keySet()) {
            JsonNode p = run.phases().get(phase);
            List<String> lost = new ArrayList<>();
            run.figures().path(phase + ".lost rows").forEach(m -> lost.add(m.asText()));
            Map<String, List<String>> missing = new TreeMap<>();
            run.figures().path(phase + ".missing rows").fields().forEachRemaining(e -> {
                List<String> lacking = new ArrayList<>();
                e.getValue().forEach(n -> lacking.add(n.asText()));
                missing.put(e.getKey(), lacking);
            });
            reported += lost.size() + missing.size();
            if ("failed".equals(p.path("status").asText()) && !(p.path("message").asText().startsWith("LOST")
                    || p.path("message").asText().startsWith("MISSING"))) {
                problems.add(phase + " failed for another reason than lost rows: " + p.path("message").asText());
            }
            for (String marker : lost) {
                JsonNode ack = firstAck.get(marker);
                if (ack == null || !ack.path("nodeReady").isBoolean() || ack.path("nodeReady").asBoolean()) {
                    problems.add(phase + ": lost row " + marker + " was not acknowledged by a node that was not ready: " + ack);
                } else {
                    notReady.merge(phase, 1, Integer::sum);
                }
            }
            for (Map.Entry<String, List<String>> e : missing.entrySet()) {
                JsonNode ack = firstAck.get(e.getKey());
                boolean whileNotReady = ack != null && ack.path("nodeReady").isBoolean() && !ack.path("nodeReady").asBoolean();
                // a row acknowledged by a ready node may be missing only where a node diverged: on nodes that themselves
                // acknowledged writes while not ready in this phase
                boolean onDivergedNodes = ackedWhileNotReady.getOrDefault(phase, Set.of()).containsAll(e.getValue());
                if (whileNotReady) {
                    notReady.merge(phase, 1, Integer::sum);
                } else if (!onDivergedNodes) {
                    problems.add(phase + ": missing row " + e.getKey() + " lacking on " + e.getValue() + " was acknowledged by a ready "
                            + "node and is lacking on a node that acknowledged nothing while not ready: " + ack);
                }
            }
            if (!lost.isEmpty() || !missing.isEmpty()) {
                assertTrue(p.path("message").asText().contains("while it was not ready") || notReady.getOrDefault(phase, 0) == 0,
                        () -> phase + "'s verdict names the not-ready class: " + p.path("message").asText());
                JsonNode counts = run.figures().path(phase + ".writes");
                int notReadyLost = (int) lost.stream().filter(m -> firstAck.get(m) != null && firstAck.get(m).path("nodeReady").isBoolean()
                        && !firstAck.get(m).path("nodeReady").asBoolean()).count();
                assertEquals(notReadyLost, counts.path("lostByNodeReadiness").path("not-ready").asInt(-1),
                        () -> phase + "'s report.json counts lost rows by class: " + counts);
            }
        }
        TestNotes.add("real servers", String.format(Locale.ROOT, "--write-via every-node: failover and rolling-restart on 3 real servers in "
                        + "%.0f s, exit %d: %s; %d rows reported lost or missing, %s of them acknowledged by a node that was not ready; "
                        + "longest unavailable: failover %s, rolling-restart %s%nindependent read: %s%s", run.seconds(), run.process().exitCode(),
                findings.perPhase(), reported, notReady, run.figures().path("failover.longest unavailable").asText("-"),
                run.figures().path("rolling-restart.longest unavailable").asText("-"), findings.summary(),
                findings.agrees() && problems.isEmpty() ? "" : "\nPROBLEMS: " + findings.failures() + " " + problems));

        assertTrue(findings.agrees(), () -> "the independent read disagrees with the suite's verdicts: " + findings.failures());
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        assertTrue(reported > 0, () -> "writes sent to restarting 26.8.1 nodes are expected to be lost (the restart window): the run "
                + "reported none; if a newer server fixed this, docs/upstream-findings.md and this test change with it\n" + run.process().all());
        assertTrue(notReady.values().stream().mapToInt(Integer::intValue).sum() > 0, "some reported rows are classed not ready: " + notReady);
        assertEquals(1, run.process().exitCode(), "a phase failed for its lost rows, so the run exits 1");
    }
}
