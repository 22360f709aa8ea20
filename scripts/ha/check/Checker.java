package ha.check;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Judges a {@link History} against what every node holds, Jepsen-style: a pure function of the two ({@link #check});
 * {@link SettledRead} reads the nodes once the cluster has settled. A marker's
 * outcome is the best of its attempts (a retry of the same marker is one row): acknowledged if any
 * attempt was, else indeterminate if any attempt was indeterminate or is still pending, else failed.
 * <ul>
 *   <li>lost: acknowledged, present on no node;</li>
 *   <li>missing: acknowledged, present on some nodes but not all (with the nodes lacking it);</li>
 *   <li>unexpected: held by a node but never attempted;</li>
 *   <li>duplicated: held more than once by one node;</li>
 *   <li>information only: how many failed and how many indeterminate writes are present somewhere.</li>
 * </ul>
 * Each lost or missing row is also classed by what the writer last saw of the node that acknowledged it
 * ({@link Readiness}): whether the chart's client Service would have routed the write there.
 */
public final class Checker {
    /** How many markers a message lists per class. */
    static final int LISTED = 5;

    private Checker() {
    }

    /** What the writer last saw, before sending, of the node that acknowledged a row. */
    public enum Readiness {
        NOT_READY("not-ready"), READY("ready"), NOT_LOOKED("not-looked");

        private final String key;

        Readiness(String key) {
            this.key = key;
        }

        /** The key in report.json's counts. */
        public String key() {
            return key;
        }

        static Readiness of(History.Op ack) {
            if (ack == null || ack.nodeReady() == null) {
                return NOT_LOOKED;
            }
            return ack.nodeReady() ? READY : NOT_READY;
        }
    }

    /** The judgement of one history against what the nodes hold. */
    public record Verdict(int attempted, int acknowledged, int failed, int indeterminate,
                          List<String> lost,
                          Map<String, List<String>> missing,
                          Map<String, List<String>> unexpected,
                          Map<String, List<String>> duplicated,
                          int failedPresent, int indeterminatePresent,
                          Map<String, Readiness> readiness,
                          String message) {

        /** True iff nothing was lost, missing, unexpected or duplicated. */
        public boolean ok() {
            return lost.isEmpty() && missing.isEmpty() && unexpected.isEmpty() && duplicated.isEmpty();
        }

        /** The figures for report.json. */
        public Map<String, Object> counts() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lost", lost.size());
            m.put("missing", missing.size());
            m.put("unexpected", total(unexpected));
            m.put("duplicated", total(duplicated));
            m.put("attempted", attempted);
            m.put("acknowledged", acknowledged);
            m.put("failed", failed);
            m.put("indeterminate", indeterminate);
            m.put("failedPresent", failedPresent);
            m.put("indeterminatePresent", indeterminatePresent);
            m.put("lostByNodeReadiness", byReadiness(lost));
            m.put("missingByNodeReadiness", byReadiness(missing.keySet()));
            return m;
        }

        /** How many of {@code markers} were acknowledged by a node in each {@link Readiness} class (every class listed). */
        public Map<String, Integer> byReadiness(java.util.Collection<String> markers) {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (Readiness r : Readiness.values()) {
                m.put(r.key(), 0);
            }
            for (String marker : markers) {
                m.merge(readiness.getOrDefault(marker, Readiness.NOT_LOOKED).key(), 1, Integer::sum);
            }
            return m;
        }

        /** The same verdict with a note appended to its message. */
        Verdict withNote(String note) {
            return new Verdict(attempted, acknowledged, failed, indeterminate, lost, missing, unexpected, duplicated,
                    failedPresent, indeterminatePresent, readiness, message + "; " + note);
        }

        @Override
        public String toString() {
            return message;
        }
    }

    /**
     * Judges {@code ops} against {@code held}: node name → every marker that node returned (duplicates
     * kept). Only markers {@code inScope} accepts count, in both. {@code events} (may be empty) explain
     * when lost or missing rows were acknowledged relative to what happened to the acknowledging node.
     */
    public static Verdict check(List<History.Op> ops, Map<String, List<String>> held, Predicate<String> inScope,
                                List<History.Event> events) {
        Map<String, History.Outcome> outcome = new HashMap<>();
        Map<String, History.Op> firstAck = new HashMap<>();
        Set<String> ackedWhileNotReady = new TreeSet<>();
        for (History.Op op : ops) {
            if (!inScope.test(op.marker())) {
                continue;
            }
            if (op.outcome() == History.Outcome.ACKNOWLEDGED && Boolean.FALSE.equals(op.nodeReady())) {
                ackedWhileNotReady.add(op.node());
            }
            outcome.merge(op.marker(), effective(op.outcome()), Checker::better);
            if (op.outcome() == History.Outcome.ACKNOWLEDGED) {
                firstAck.merge(op.marker(), op, (a, b) -> a.answeredMillis() <= b.answeredMillis() ? a : b);
            }
        }
        Map<String, Set<String>> present = new TreeMap<>();            // marker -> nodes holding it
        Map<String, List<String>> unexpected = new TreeMap<>();
        Map<String, List<String>> duplicated = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : new TreeMap<>(held).entrySet()) {
            String node = e.getKey();
            Map<String, Integer> times = new TreeMap<>();
            for (String marker : e.getValue()) {
                if (marker != null && inScope.test(marker)) {
                    times.merge(marker, 1, Integer::sum);
                }
            }
            List<String> strange = new ArrayList<>();
            List<String> twice = new ArrayList<>();
            times.forEach((marker, n) -> {
                present.computeIfAbsent(marker, k -> new TreeSet<>()).add(node);
                if (!outcome.containsKey(marker)) {
                    strange.add(marker);
                }
                if (n > 1) {
                    twice.add(marker);
                }
            });
            if (!strange.isEmpty()) {
                unexpected.put(node, List.copyOf(strange));
            }
            if (!twice.isEmpty()) {
                duplicated.put(node, List.copyOf(twice));
            }
        }
        Set<String> nodes = new TreeSet<>(held.keySet());
        List<String> lost = new ArrayList<>();
        Map<String, List<String>> missing = new TreeMap<>();
        int acknowledged = 0;
        int failed = 0;
        int indeterminate = 0;
        int failedPresent = 0;
        int indeterminatePresent = 0;
        for (Map.Entry<String, History.Outcome> e : new TreeMap<>(outcome).entrySet()) {
            String marker = e.getKey();
            Set<String> on = present.getOrDefault(marker, Set.of());
            switch (e.getValue()) {
                case ACKNOWLEDGED -> {
                    acknowledged++;
                    if (on.isEmpty()) {
                        lost.add(marker);
                    } else if (!on.containsAll(nodes)) {
                        List<String> lacking = new ArrayList<>(nodes);
                        lacking.removeAll(on);
                        missing.put(marker, List.copyOf(lacking));
                    }
                }
                case FAILED -> {
                    failed++;
                    failedPresent += on.isEmpty() ? 0 : 1;
                }
                default -> {
                    indeterminate++;
                    indeterminatePresent += on.isEmpty() ? 0 : 1;
                }
            }
        }
        String message = message(outcome.size(), acknowledged, failed, indeterminate, lost, missing, unexpected,
                duplicated, failedPresent, indeterminatePresent, firstAck, events, ackedWhileNotReady);
        Map<String, Readiness> readiness = new TreeMap<>();
        lost.forEach(m -> readiness.put(m, Readiness.of(firstAck.get(m))));
        missing.keySet().forEach(m -> readiness.put(m, Readiness.of(firstAck.get(m))));
        return new Verdict(outcome.size(), acknowledged, failed, indeterminate, List.copyOf(lost),
                Collections.unmodifiableMap(missing), Collections.unmodifiableMap(unexpected),
                Collections.unmodifiableMap(duplicated), failedPresent, indeterminatePresent,
                Collections.unmodifiableMap(readiness), message);
    }

    private static History.Outcome effective(History.Outcome o) {
        return o == History.Outcome.PENDING ? History.Outcome.INDETERMINATE : o;
    }

    private static History.Outcome better(History.Outcome a, History.Outcome b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(History.Outcome o) {
        return switch (o) {
            case ACKNOWLEDGED -> 3;
            case INDETERMINATE, PENDING -> 2;
            case FAILED -> 1;
        };
    }

    private static String message(int attempted, int acknowledged, int failed, int indeterminate, List<String> lost,
                                  Map<String, List<String>> missing, Map<String, List<String>> unexpected,
                                  Map<String, List<String>> duplicated, int failedPresent, int indeterminatePresent,
                                  Map<String, History.Op> firstAck, List<History.Event> events, Set<String> ackedWhileNotReady) {
        String info = failed + " failed" + (failedPresent > 0 ? " of which " + failedPresent + " present" : "")
                + ", " + indeterminate + " indeterminate of which " + indeterminatePresent + " present";
        if (lost.isEmpty() && missing.isEmpty() && unexpected.isEmpty() && duplicated.isEmpty()) {
            return "all " + acknowledged + " acknowledged rows on every node (" + info + ")";
        }
        List<String> parts = new ArrayList<>();
        if (!lost.isEmpty()) {
            parts.add("LOST " + rows(lost.size(), "acknowledged row") + " (present on no node" + classes(lost, firstAck) + "): "
                    + listed(lost, m -> m + explain(firstAck.get(m), events)));
        }
        if (!missing.isEmpty()) {
            parts.add("MISSING " + rows(missing.size(), "acknowledged row") + " (present on some nodes but not all"
                    + classes(missing.keySet(), firstAck) + "): "
                    + listed(new ArrayList<>(missing.keySet()),
                            m -> m + " lacking on " + String.join(", ", missing.get(m)) + diverged(missing.get(m), firstAck.get(m), ackedWhileNotReady)
                                    + explain(firstAck.get(m), events)));
        }
        if (!unexpected.isEmpty()) {
            parts.add("UNEXPECTED " + rows(total(unexpected), "row") + " never attempted: " + perNode(unexpected));
        }
        if (!duplicated.isEmpty()) {
            parts.add("DUPLICATED " + rows(total(duplicated), "row") + " held more than once: " + perNode(duplicated));
        }
        return String.join("; ", parts) + " (of " + attempted + " attempted: " + acknowledged + " acknowledged, " + info + ")";
    }

    /** "; 3 acknowledged by a node that was not ready, 1 by a node that was ready", counting only the classes that occur. */
    private static String classes(java.util.Collection<String> markers, Map<String, History.Op> firstAck) {
        Map<Readiness, Integer> n = new java.util.EnumMap<>(Readiness.class);
        markers.forEach(m -> n.merge(Readiness.of(firstAck.get(m)), 1, Integer::sum));
        if (n.keySet().equals(Set.of(Readiness.NOT_LOOKED))) {
            return "";   // written without a look at readiness (not by a background writer): nothing to class
        }
        List<String> parts = new ArrayList<>();
        n.forEach((r, count) -> parts.add(count + switch (r) {
            case NOT_READY -> " acknowledged by a node that was not ready";
            case READY -> " by a node that was ready";
            case NOT_LOOKED -> " by a node whose readiness was not looked at";
        }));
        return "; " + String.join(", ", parts);
    }

    /**
     * ", where arcadedb-2 had itself acknowledged writes while not ready": for a row a ready node acknowledged that is
     * lacking only on nodes which, in the same history, acknowledged writes before they were ready. On 26.8.1 such a node
     * diverged from the cluster (its writes in the restart window were never replicated), and rows the others hold went
     * missing on it too.
     */
    private static String diverged(List<String> lacking, History.Op ack, Set<String> ackedWhileNotReady) {
        if (ack == null || !Boolean.TRUE.equals(ack.nodeReady()) || lacking.isEmpty() || !ackedWhileNotReady.containsAll(lacking)) {
            return "";
        }
        return ", where " + String.join(" and ", lacking) + (lacking.size() == 1 ? " had itself" : " had themselves")
                + " acknowledged writes while not ready";
    }

    private static String rows(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String perNode(Map<String, List<String>> byNode) {
        List<String> parts = new ArrayList<>();
        byNode.forEach((node, markers) -> parts.add("on " + node + " " + listed(markers, m -> m)));
        return String.join("; ", parts);
    }

    private static String listed(List<String> markers, java.util.function.Function<String, String> show) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(LISTED, markers.size()); i++) {
            shown.add(show.apply(markers.get(i)));
        }
        String text = String.join(", ", shown);
        return markers.size() > LISTED ? text + " and " + (markers.size() - LISTED) + " more" : text;
    }

    private static int total(Map<String, List<String>> byNode) {
        return byNode.values().stream().mapToInt(List::size).sum();
    }

    /**
     * " (acknowledged by arcadedb-0 at +12.3 s, 0.4 s after it became leader, 0.2 s before it was killed)":
     * the time relative to the phase's start and to the nearest events before and after that name the
     * acknowledging node.
     */
    static String explain(History.Op ack, List<History.Event> events) {
        if (ack == null) {
            return "";
        }
        long at = ack.answeredMillis();
        StringBuilder sb = new StringBuilder(" (acknowledged by ").append(ack.node());
        History.Event start = phaseStart(ack, events);
        if (ack.nodeReady() != null) {
            sb.append(ack.nodeReady() ? " while it was ready" : " while it was not ready");
            if (ack.nodeStartedMillis() > 0 && ack.nodeStartedMillis() <= ack.sentMillis()) {
                boolean restarted = start != null && ack.nodeStartedMillis() >= start.atMillis();
                sb.append(" (its ").append(restarted ? "new " : "").append("process had started ")
                        .append(secs(ack.sentMillis() - ack.nodeStartedMillis())).append(" earlier)");
            }
            sb.append(',');
        }
        History.Event before = null;
        History.Event after = null;
        for (History.Event e : events) {
            if (e.node() == null || !e.node().equals(ack.node())) {
                continue;
            }
            if (e.atMillis() <= at && (before == null || e.atMillis() >= before.atMillis())) {
                before = e;
            }
            if (e.atMillis() > at && (after == null || e.atMillis() < after.atMillis())) {
                after = e;
            }
        }
        sb.append(start != null ? " at +" + secs(at - start.atMillis())
                : " at " + DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC)
                        .format(Instant.ofEpochMilli(at)) + " UTC");
        if (before != null) {
            sb.append(", ").append(secs(at - before.atMillis())).append(" after it ").append(happened(before.kind()));
        }
        if (after != null) {
            sb.append(", ").append(secs(after.atMillis() - at)).append(" before it ").append(happened(after.kind()));
        }
        return sb.append(')').toString();
    }

    /** The latest phase-start at or before the answer, of the op's own phase where there is one. */
    private static History.Event phaseStart(History.Op ack, List<History.Event> events) {
        History.Event own = null;
        History.Event any = null;
        for (History.Event e : events) {
            if (!"phase-start".equals(e.kind()) || e.atMillis() > ack.answeredMillis()) {
                continue;
            }
            if (any == null || e.atMillis() >= any.atMillis()) {
                any = e;
            }
            if (java.util.Objects.equals(e.phase(), ack.phase()) && (own == null || e.atMillis() >= own.atMillis())) {
                own = e;
            }
        }
        return own != null ? own : any;
    }

    private static String happened(String kind) {
        return switch (kind) {
            case "killed" -> "was killed";
            case "stopped" -> "was stopped";
            case "ready-again" -> "was seen ready again";
            case "became-leader" -> "became leader";
            case "fault" -> "had a fault";
            case "wiped" -> "was wiped";
            case "paused" -> "was paused (SIGSTOP)";
            case "resumed" -> "was resumed (SIGCONT)";
            default -> "saw " + kind.replace('-', ' ');
        };
    }

    private static String secs(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
