package ha.support.real;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A test's own judgement of a real-server run, per phase, against what every node holds at the end of the run, read
 * without the suite's client or checker ({@link #markersOverHttp}: plain HTTP and Jackson). It checks each verdict of
 * report.json:
 * <ul>
 *   <li>passed: every row the phase acknowledged is on every node at the end (unless a later phase reported it lost or
 *       missing), no node holds a row never attempted, none holds a row twice;</li>
 *   <li>LOST: each row the phase names is on no node;</li>
 *   <li>MISSING: the report names, per row, the nodes that lacked it when the checker settled; each of those nodes either
 *       still lacks it (confirmed) or holds it now (healed later, counted), and every node not named holds it;</li>
 *   <li>DUPLICATED: each row a node holds more than once must be one the phase reported for that node (figure
 *       "duplicated rows"), else it is a failure;</li>
 *   <li>a later phase that reads a reported row again and sees other nodes lack it ("reported rows changed": a resync
 *       erased it from the nodes that held it) reports those nodes too;</li>
 *   <li>any verdict: a row acknowledged in the run that some node lacks at the end, and that no phase reported for that
 *       node, is a false pass.</li>
 * </ul>
 */
public final class IndependentCheck {
    private IndependentCheck() {
    }

    /** What the check found: failures (empty when every verdict agrees with the data) and figures for the notes. */
    public record Findings(List<String> failures, int acknowledged, int confirmedLost, int confirmedMissing, int healed,
                           int changedLater, int confirmedDuplicated, Map<String, String> perPhase) {
        public boolean agrees() {
            return failures.isEmpty();
        }

        /** One line for the test notes. */
        public String summary() {
            return acknowledged + " acknowledged rows read on every node: " + confirmedLost + " lost confirmed on no node, "
                    + confirmedMissing + " missing confirmed absent from the nodes named, " + healed
                    + " reported missing but present everywhere by the end, " + changedLater
                    + " reported rows whose lacking nodes a later phase saw change, " + confirmedDuplicated
                    + " reported duplicates confirmed; per phase " + perPhase;
        }
    }

    /**
     * Judges {@code report} (report.json) and {@code ops} (history.jsonl's op lines) against {@code held}: node name to
     * every marker it holds at the end, duplicates kept.
     */
    public static Findings check(JsonNode report, List<JsonNode> ops, Map<String, List<String>> held) {
        List<String> failures = new ArrayList<>();
        List<String> nodes = new ArrayList<>(new TreeSet<>(held.keySet()));
        Map<String, String> phaseOf = new HashMap<>();
        Set<String> attempted = new TreeSet<>();
        Map<String, Set<String>> acknowledgedBy = new LinkedHashMap<>();   // phase -> markers
        for (JsonNode op : ops) {
            String marker = op.path("marker").asText();
            attempted.add(marker);
            phaseOf.putIfAbsent(marker, op.path("phase").asText());
            if ("ACKNOWLEDGED".equals(op.path("outcome").asText())) {
                acknowledgedBy.computeIfAbsent(op.path("phase").asText(), k -> new TreeSet<>()).add(marker);
            }
        }
        // duplicates some phase reported (figure "<phase>.duplicated rows": node -> markers it held twice)
        Set<String> reportedTwice = new TreeSet<>();
        report.path("figures").fields().forEachRemaining(f -> {
            if (f.getKey().endsWith(".duplicated rows")) {
                f.getValue().fields().forEachRemaining(n -> n.getValue().forEach(m -> reportedTwice.add(n.getKey() + " " + m.asText())));
            }
        });
        int[] confirmedTwice = {0};
        Map<String, Set<String>> onNode = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : held.entrySet()) {
            Map<String, Integer> times = new TreeMap<>();
            e.getValue().forEach(m -> times.merge(m, 1, Integer::sum));
            times.forEach((marker, n) -> {
                if (n > 1 && reportedTwice.contains(e.getKey() + " " + marker)) {
                    confirmedTwice[0]++;
                } else if (n > 1) {
                    failures.add(e.getKey() + " holds row " + marker + " " + n + " times, and no phase reported that");
                }
                if (!attempted.contains(marker)) {
                    failures.add(e.getKey() + " holds row " + marker + ", which the history never attempted");
                }
            });
            onNode.put(e.getKey(), times.keySet());
        }

        // what each phase reported, in run order
        Map<String, Set<String>> reportedAbsent = new HashMap<>();       // marker -> nodes some phase said lack it
        List<JsonNode> phases = new ArrayList<>();
        report.path("phases").forEach(phases::add);
        JsonNode figures = report.path("figures");
        int confirmedLost = 0;
        int confirmedMissing = 0;
        int healed = 0;
        int changedLater = 0;
        Map<String, String> perPhase = new LinkedHashMap<>();
        for (JsonNode phase : phases) {
            String name = phase.path("name").asText();
            String status = phase.path("status").asText();
            List<String> lost = new ArrayList<>();
            figures.path(name + ".lost rows").forEach(m -> lost.add(m.asText()));
            Map<String, List<String>> missing = new TreeMap<>();
            figures.path(name + ".missing rows").fields().forEachRemaining(e -> {
                List<String> lacking = new ArrayList<>();
                e.getValue().forEach(n -> lacking.add(n.asText()));
                missing.put(e.getKey(), lacking);
            });
            String message = phase.path("message").asText();
            if (!lost.isEmpty() && !message.contains("LOST")) {
                failures.add(name + " lists lost rows " + lost + " but its verdict does not say LOST: " + message);
            }
            if (!missing.isEmpty() && !message.contains("MISSING")) {
                failures.add(name + " lists missing rows " + missing.keySet() + " but its verdict does not say MISSING: " + message);
            }
            if ("passed".equals(status) && (!lost.isEmpty() || !missing.isEmpty())) {
                failures.add(name + " passed while reporting lost " + lost + " and missing " + missing.keySet());
            }
            for (String marker : lost) {
                List<String> on = nodes.stream().filter(n -> onNode.get(n).contains(marker)).toList();
                if (on.isEmpty()) {
                    confirmedLost++;
                } else {
                    failures.add(name + " reported " + marker + " LOST, but the independent read finds it on " + on);
                }
                reportedAbsent.computeIfAbsent(marker, k -> new TreeSet<>()).addAll(nodes);
            }
            for (Map.Entry<String, List<String>> e : missing.entrySet()) {
                String marker = e.getKey();
                // nodes a scale-up added and removed again are not read at the end: only the others are judged
                List<String> lacking = e.getValue().stream().filter(nodes::contains).toList();
                if (e.getValue().isEmpty() || lacking.size() == nodes.size()) {
                    failures.add(name + " reported " + marker + " MISSING on " + e.getValue() + ", which is not some but not all of " + nodes);
                }
                boolean stillAbsent = false;
                boolean back = false;
                for (String node : nodes) {
                    boolean has = onNode.get(node).contains(marker);
                    if (lacking.contains(node)) {
                        stillAbsent |= !has;
                        back |= has;
                    }
                }
                if (stillAbsent) {
                    confirmedMissing++;
                } else if (back) {
                    healed++;
                }
                reportedAbsent.computeIfAbsent(marker, k -> new TreeSet<>()).addAll(lacking);
            }
            // rows an earlier phase reported, read again by this one: the nodes that lacked them then are reported too
            Map<String, List<String>> changed = new TreeMap<>();
            figures.path(name + ".reported rows changed").fields().forEachRemaining(e -> {
                List<String> lacking = new ArrayList<>();
                e.getValue().forEach(n -> lacking.add(n.asText()));
                changed.put(e.getKey(), lacking);
            });
            for (Map.Entry<String, List<String>> e : changed.entrySet()) {
                if (!reportedAbsent.containsKey(e.getKey())) {
                    failures.add(name + " says reported row " + e.getKey() + " changed, but no earlier phase reported it");
                }
                reportedAbsent.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).addAll(e.getValue());
                changedLater++;
            }
            perPhase.put(name, status + (lost.isEmpty() && missing.isEmpty() ? "" : " (lost " + lost.size() + ", missing " + missing.size() + ")")
                    + (changed.isEmpty() ? "" : " (" + changed.size() + " reported earlier, changed since)"));
        }

        // every acknowledged row that some node lacks at the end must have been reported for that node
        int acknowledged = 0;
        for (Map.Entry<String, Set<String>> e : acknowledgedBy.entrySet()) {
            for (String marker : e.getValue()) {
                acknowledged++;
                List<String> lackingNow = nodes.stream().filter(n -> !onNode.get(n).contains(marker)).toList();
                Set<String> reported = reportedAbsent.getOrDefault(marker, Set.of());
                List<String> unreported = lackingNow.stream().filter(n -> !reported.contains(n)).toList();
                if (!unreported.isEmpty()) {
                    failures.add("row " + marker + " (phase " + e.getKey() + ") was acknowledged but is absent from " + unreported
                            + " by the independent read, and no phase reported that (a false pass)");
                }
            }
        }
        return new Findings(List.copyOf(failures), acknowledged, confirmedLost, confirmedMissing, healed, changedLater, confirmedTwice[0], perPhase);
    }

    /** history.jsonl's op lines. */
    public static List<JsonNode> historyOps(java.nio.file.Path historyJsonl) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : java.nio.file.Files.readAllLines(historyJsonl, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode n = mapper.readTree(line);
                if ("op".equals(n.path("type").asText())) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /**
     * Every marker of {@code SELECT marker FROM HaRow} (duplicates kept) on the server at {@code base}, as root, over plain
     * HTTP: none of the suite's client code is involved.
     */
    public static List<String> markersOverHttp(URI base, String database, String password) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString(("root:" + password).getBytes(StandardCharsets.UTF_8));
        String body = "{\"language\":\"sql\",\"command\":\"SELECT marker FROM HaRow\",\"limit\":1000000}";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/query/" + database))
                .header("Authorization", auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException(base + " answered the independent read with " + answer.statusCode());
        }
        JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body()).path("result");
        List<String> markers = new ArrayList<>();
        result.forEach(r -> markers.add(r.path("marker").asText()));
        return markers;
    }
}
