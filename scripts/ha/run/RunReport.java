package ha.run;

import ha.core.EvidenceFiles;
import ha.core.Json;
import ha.core.Log;
import ha.core.Redactor;
import ha.core.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's reports: report.json (for tools), junit.xml (one testcase per phase, for CI test
 * reporters) and summary.txt (for people: what failed, where, what to open first). Written after
 * every phase, so they exist even when a run is aborted. Every byte passes through the {@link Redactor}.
 */
public final class RunReport {
    /** Every write attempt of the run and the phases' events, one JSON object a line ({@link History}). */
    public static final String HISTORY = "history.jsonl";
    private final Path dir;
    private final String runId;
    private final Instant started = Instant.now();
    private final List<String> planned;
    private final List<PhaseResult> results = new ArrayList<>();
    private String target = "(not connected)";
    private String aborted;
    private String notStarted;
    private PhaseResult interrupted;
    private boolean diagnosticsCollected;

    public RunReport(Path dir, String runId, List<String> planned) {
        this.dir = dir;
        this.runId = runId;
        this.planned = List.copyOf(planned);
    }

    /** Creates the folder and proves it can be written, or fails as a usage error. */
    public static Path prepare(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
            return dir;
        } catch (IOException | SecurityException e) {
            throw new UsageException("cannot write the report dir " + dir + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** Removes a report dir that holds nothing (a run rejected before it wrote anything). */
    public static void removeIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException notEmptyOrGone) {
            // something is in it: leave it
        }
    }

    public Path dir() {
        return dir;
    }

    public String runId() {
        return runId;
    }

    public synchronized void target(String description) {
        this.target = description;
    }

    public synchronized void add(PhaseResult result) {
        if (interrupted != null) {
            return;
        }
        results.add(result);
        write();
    }

    /** The run ended early (cannot connect, interrupted): record why; phases not run count as skipped. */
    public synchronized void abort(String why) {
        if (aborted == null) {
            aborted = why;
        }
        write();
    }

    /**
     * The run could not start (the cluster could not be used): status "error", and junit.xml holds an
     * error testcase "start" with the reason, so CI shows an error instead of phases that were merely skipped.
     */
    public synchronized void couldNotStart(String why) {
        notStarted = why;
        abort(why);
    }

    /**
     * The suite was stopped while {@code phase} ran for {@code elapsed}: it is recorded as interrupted (an error in
     * junit.xml), the later phases as skipped, and whatever the phase reports afterwards is not kept.
     */
    public synchronized void interrupted(String phase, Duration elapsed) {
        if (interrupted == null && aborted == null) {
            interrupted = new PhaseResult(phase, PhaseResult.Status.interrupted, elapsed, "interrupted after " + Log.seconds(elapsed)
                    + " (Ctrl-C or a signal) while it was running", Map.of());
            aborted = "interrupted: the suite was stopped (Ctrl-C or a signal) during phase " + phase;
        }
        write();
    }

    /**
     * Removes what an earlier run left in this report dir (its reports, history, diagnostics and node logs) so that
     * nothing of it is taken for this run's, saying so; files the suite does not write stay.
     */
    public static void replaceEarlier(Path dir) {
        Path json = dir.resolve("report.json");
        if (!Files.exists(json) && !Files.exists(dir.resolve("summary.txt")) && !Files.exists(dir.resolve(HISTORY))) {
            return;
        }
        String earlier = "an earlier run";
        try {
            String id = Json.read(Files.readString(json)).path("runId").asText("");
            earlier = id.isEmpty() ? earlier : "run " + id;
        } catch (IOException | RuntimeException unreadable) {
            // an earlier run it is
        }
        Log.step("the report dir %s held the reports of %s; they are replaced", dir, earlier);
        for (String name : List.of("report.json", "junit.xml", "summary.txt", HISTORY, "diagnostics", "node-logs")) {
            deleteTree(dir.resolve(name));
        }
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UsageException("cannot remove " + path + " that an earlier run left in the report dir: " + e.getMessage());
        }
    }

    public synchronized void diagnosticsCollected() {
        diagnosticsCollected = true;
        write();
    }

    public synchronized List<PhaseResult> results() {
        return List.copyOf(results);
    }

    private List<PhaseResult> completed() {
        List<PhaseResult> all = new ArrayList<>(results);
        if (interrupted != null && all.size() < planned.size() && planned.get(all.size()).equals(interrupted.name())) {
            all.add(interrupted);
        }
        for (int i = all.size(); i < planned.size(); i++) {
            all.add(new PhaseResult(planned.get(i), PhaseResult.Status.skipped, Duration.ZERO,
                    aborted == null ? "not run yet" : "not run: " + aborted, Map.of()));
        }
        return all;
    }

    private String status() {
        if (notStarted != null) {
            return "error";
        }
        if (interrupted != null) {
            return "interrupted";
        }
        if (aborted != null || results.stream().anyMatch(PhaseResult::failed)) {
            return "failed";
        }
        return results.size() < planned.size() ? "running" : "passed";
    }

    /** Writes all three files (atomically each). */
    public synchronized void write() {
        List<PhaseResult> all = completed();
        writeFile("report.json", Json.pretty(json(all)) + "\n");
        writeFile("junit.xml", junit(all));
        writeFile("summary.txt", summary(all));
    }

    private Map<String, Object> json(List<PhaseResult> all) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("status", status());
        root.put("runId", runId);
        root.put("target", target);
        root.put("startedAt", started.toString());
        root.put("durationMs", Duration.between(started, Instant.now()).toMillis());
        if (aborted != null) {
            root.put("aborted", aborted);
        }
        List<Map<String, Object>> phases = new ArrayList<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        for (PhaseResult r : all) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", r.name());
            p.put("status", r.status().name());
            p.put("durationMs", r.duration().toMillis());
            p.put("message", r.message());
            p.put("figures", r.figures());
            phases.add(p);
            r.figures().forEach((k, v) -> figures.put(r.name() + "." + k, v));
        }
        root.put("phases", phases);
        root.put("figures", figures);
        root.put("diagnostics", diagnosticsCollected ? "diagnostics/" : null);
        return root;
    }

    private String junit(List<PhaseResult> all) {
        long failures = all.stream().filter(PhaseResult::failed).count();
        long skipped = all.stream().filter(r -> r.status() == PhaseResult.Status.skipped).count();
        long errors = (notStarted == null ? 0 : 1) + all.stream().filter(r -> r.status() == PhaseResult.Status.interrupted).count();
        int tests = all.size() + (notStarted == null ? 0 : 1);
        double seconds = all.stream().mapToLong(r -> r.duration().toMillis()).sum() / 1000.0;
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format(Locale.ROOT, "<testsuites name=\"arcadedb-ha\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">%n",
                tests, failures, errors, skipped, seconds));
        x.append(String.format(Locale.ROOT, "  <testsuite name=\"arcadedb-ha\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" timestamp=\"%s\">%n",
                tests, failures, errors, skipped, seconds, started.toString().replaceFirst("\\.\\d+Z$", "")));
        x.append("    <properties>\n");
        x.append("      <property name=\"runId\" value=\"").append(xml(runId)).append("\"/>\n");
        x.append("      <property name=\"target\" value=\"").append(xml(target)).append("\"/>\n");
        x.append("    </properties>\n");
        if (notStarted != null) {
            x.append("    <testcase classname=\"arcadedb-ha\" name=\"start\" time=\"0.000\">\n      <error message=\"")
                    .append(xml(firstLine(notStarted))).append("\" type=\"CouldNotStart\">").append(xml(notStarted))
                    .append("</error>\n    </testcase>\n");
        }
        for (PhaseResult r : all) {
            x.append(String.format(Locale.ROOT, "    <testcase classname=\"arcadedb-ha\" name=\"%s\" time=\"%.3f\"", xml(r.name()), r.duration().toMillis() / 1000.0));
            switch (r.status()) {
                case passed -> {
                    if (r.figures().isEmpty()) {
                        x.append("/>\n");
                    } else {
                        x.append(">\n      <system-out>").append(xml(figuresText(r))).append("</system-out>\n    </testcase>\n");
                    }
                }
                case skipped -> x.append(">\n      <skipped message=\"").append(xml(r.message())).append("\"/>\n    </testcase>\n");
                case interrupted -> x.append(">\n      <error message=\"").append(xml(firstLine(r.message()))).append("\" type=\"Interrupted\">")
                        .append(xml(r.message())).append("</error>\n    </testcase>\n");
                case failed -> x.append(">\n      <failure message=\"").append(xml(firstLine(r.message()))).append("\" type=\"PhaseFailure\">")
                        .append(xml(r.message())).append("</failure>\n    </testcase>\n");
            }
        }
        x.append("  </testsuite>\n</testsuites>\n");
        return x.toString();
    }

    private static String figuresText(PhaseResult r) {
        StringBuilder sb = new StringBuilder();
        r.figures().forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    private String summary(List<PhaseResult> all) {
        StringBuilder s = new StringBuilder();
        s.append("ArcadeDB HA suite, run ").append(runId).append(": ").append(status().toUpperCase(Locale.ROOT)).append('\n');
        s.append("Target: ").append(target).append('\n');
        PhaseResult failed = all.stream().filter(PhaseResult::failed).findFirst().orElse(null);
        if (interrupted != null && all.contains(interrupted)) {
            s.append("Interrupted phase: ").append(interrupted.name()).append(" (").append(all.indexOf(interrupted) + 1).append(" of ")
                    .append(all.size()).append(", after ").append(Log.seconds(interrupted.duration())).append("); the phases after it were not run\n");
        } else if (notStarted != null) {
            s.append("The run could not start: ").append(notStarted).append('\n');
        } else if (aborted != null) {
            s.append("The run stopped early: ").append(aborted).append('\n');
        }
        if (failed != null) {
            s.append("Failed phase: ").append(failed.name()).append(" (").append(all.indexOf(failed) + 1).append(" of ")
                    .append(all.size()).append(", after ").append(Log.seconds(failed.duration())).append(")\n");
            s.append("What was expected and what was seen:\n  ").append(failed.message()).append('\n');
        }
        s.append('\n').append("Phases:\n");
        for (PhaseResult r : all) {
            s.append(String.format(Locale.ROOT, "  %-18s %-11s %9s  %s%n", r.name(), r.status(), Log.seconds(r.duration()), firstLine(r.message())));
        }
        List<PhaseResult> disrupted = all.stream().filter(r -> r.figures().containsKey("longest unavailable")).toList();
        if (!disrupted.isEmpty()) {
            s.append('\n').append("Availability during the disruptions (longest time no write was acknowledged):\n");
            for (PhaseResult r : disrupted) {
                s.append(String.format(Locale.ROOT, "  %-18s %9s  writes %s%n", r.name(), r.figures().get("longest unavailable"),
                        r.figures().getOrDefault("writes", "not judged")));
            }
        }
        s.append('\n').append("Open first:\n");
        if (diagnosticsCollected) {
            Path diagnostics = dir.resolve("diagnostics");
            Path nodes = diagnostics.resolve("nodes");
            if (anyNodeHas(nodes, "cluster.json")) {
                s.append("  diagnostics/nodes/<node>/cluster.json  what each node said about leader and peers at the failure\n");
            }
            if (anyNodeHas(nodes, "log.txt")) {
                s.append("  diagnostics/nodes/<node>/log.txt       the server logs")
                        .append(anyNodeHas(nodes, "previous-log.txt") ? " (previous-log.txt: the one before a restart)" : "").append('\n');
            }
            if (Files.exists(diagnostics.resolve("processes.txt"))) {
                s.append("  diagnostics/processes.txt              every local server process: pid, ports, state, command line\n");
            }
            if (Files.exists(diagnostics.resolve("events.txt"))) {
                s.append("  diagnostics/events.txt                 Kubernetes events, oldest first (pods killed, probes failing)\n");
            }
            if (Files.exists(diagnostics.resolve("statefulset.yaml")) || Files.exists(diagnostics.resolve("helm-values.yaml"))) {
                s.append("  diagnostics/                           pod YAML, StatefulSet and volume claims, helm values and manifest\n");
            }
        }
        if (Files.isDirectory(dir.resolve("node-logs"))) {
            s.append("  node-logs/<node>/server*.log           every local server's output, each incarnation (copied at the end)\n");
        }
        s.append("  report.json / junit.xml                every phase with its status, time, message and figures\n");
        if (Files.exists(dir.resolve(HISTORY))) {
            s.append("  " + HISTORY + "                          every write (marker, phase, node, sent/answered, outcome) and fault\n");
        }
        return s.toString();
    }

    private static boolean anyNodeHas(Path nodes, String file) {
        if (!Files.isDirectory(nodes)) {
            return false;
        }
        try (var each = Files.list(nodes)) {
            return each.anyMatch(n -> Files.exists(n.resolve(file)));
        } catch (IOException e) {
            return false;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String xml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private void writeFile(String name, String content) {
        EvidenceFiles.write(dir.resolve(name), content);
    }
}
