package ha.check;

import ha.check.Checker.Verdict;
import ha.check.History.Event;
import ha.check.History.Op;
import ha.check.History.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checker.check over hand-made histories, one class at a time. */
class CheckerTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final Predicate<String> OURS = m -> m.startsWith("run1-");
    private final List<Op> ops = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final Map<String, List<String>> held = new LinkedHashMap<>();

    private void write(String marker, String node, Outcome outcome, long answeredAfterStart) {
        long at = T0 + answeredAfterStart;
        ops.add(new Op(ops.size() + 1, marker, "failover", node, at - 20, outcome == Outcome.PENDING ? -1 : at, outcome, null));
    }

    /** A write the background writer sent after looking at the node: {@code ready} or not, its process up since {@code startedAfterStart}. */
    private void writeSeen(String marker, String node, boolean ready, long startedAfterStart, long answeredAfterStart) {
        long at = T0 + answeredAfterStart;
        ops.add(new Op(ops.size() + 1, marker, "failover", node, at - 20, at, Outcome.ACKNOWLEDGED, null, ready, T0 + startedAfterStart));
    }

    private void event(String kind, String node, long afterStart) {
        events.add(new Event("failover", T0 + afterStart, kind, node, null));
    }

    private void holds(String node, String... markers) {
        held.put(node, List.of(markers));
    }

    private Verdict check() {
        return Checker.check(ops, held, OURS, events);
    }

    @Test
    void everyAcknowledgedRowOnEveryNodeIsOk() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 100);
        write("run1-2", "arcadedb-1", Outcome.ACKNOWLEDGED, 200);
        holds("arcadedb-0", "run1-1", "run1-2");
        holds("arcadedb-1", "run1-2", "run1-1");
        holds("arcadedb-2", "run1-1", "run1-2");
        Verdict v = check();
        assertTrue(v.ok(), v.message());
        assertEquals("all 2 acknowledged rows on every node (0 failed, 0 indeterminate of which 0 present)", v.message());
        assertEquals(2, v.attempted());
        assertEquals(2, v.acknowledged());
    }

    @Test
    void anAcknowledgedRowOnNoNodeIsLostAndTheMessageNamesItsNodeAndTiming() {
        event("phase-start", null, 0);
        event("became-leader", "arcadedb-0", 11_900);
        event("killed", "arcadedb-1", 12_350);      // another node: not the acknowledging one
        event("killed", "arcadedb-0", 12_500);
        event("ready-again", "arcadedb-0", 13_000);
        write("run1-1", "arcadedb-1", Outcome.ACKNOWLEDGED, 5_000);
        write("run1-2", "arcadedb-0", Outcome.ACKNOWLEDGED, 12_300);
        holds("arcadedb-0", "run1-1");
        holds("arcadedb-1", "run1-1");
        holds("arcadedb-2", "run1-1");
        Verdict v = check();
        assertFalse(v.ok());
        assertEquals(List.of("run1-2"), v.lost());
        assertTrue(v.missing().isEmpty());
        assertTrue(v.message().startsWith("LOST 1 acknowledged row (present on no node): run1-2 (acknowledged by arcadedb-0"
                + " at +12.3 s, 0.4 s after it became leader, 0.2 s before it was killed)"), v.message());
        assertTrue(v.message().endsWith("(of 2 attempted: 2 acknowledged, 0 failed, 0 indeterminate of which 0 present)"), v.message());
    }

    @Test
    void anAcknowledgedRowOnSomeNodesIsMissingWithTheNodesLackingIt() {
        event("phase-start", null, 0);
        write("run1-1", "arcadedb-2", Outcome.ACKNOWLEDGED, 1_000);
        write("run1-2", "arcadedb-2", Outcome.ACKNOWLEDGED, 1_100);
        holds("arcadedb-0", "run1-1", "run1-2");
        holds("arcadedb-1", "run1-2");
        holds("arcadedb-2", "run1-2");
        Verdict v = check();
        assertFalse(v.ok());
        assertEquals(Map.of("run1-1", List.of("arcadedb-1", "arcadedb-2")), v.missing());
        assertTrue(v.lost().isEmpty());
        assertTrue(v.message().startsWith("MISSING 1 acknowledged row (present on some nodes but not all): run1-1 lacking on"
                + " arcadedb-1, arcadedb-2 (acknowledged by arcadedb-2 at +1.0 s)"), v.message());
    }

    @Test
    void aLostRowIsClassedByWhetherItsNodeWasReadyAndSaysWhenItsNewProcessStarted() {
        event("phase-start", null, 0);
        event("killed", "arcadedb-0", 10_000);
        writeSeen("run1-1", "arcadedb-1", true, -60_000, 5_000);
        writeSeen("run1-2", "arcadedb-0", false, 10_100, 12_200);    // the new process started 0.1 s after the kill
        holds("arcadedb-0", "run1-1");
        holds("arcadedb-1", "run1-1");
        holds("arcadedb-2", "run1-1");
        Verdict v = check();
        assertEquals(List.of("run1-2"), v.lost());
        assertTrue(v.message().startsWith("LOST 1 acknowledged row (present on no node; 1 acknowledged by a node that was not ready): "
                + "run1-2 (acknowledged by arcadedb-0 while it was not ready (its new process had started 2.1 s earlier), at +12.2 s, "
                + "2.2 s after it was killed)"), v.message());
        assertEquals(Map.of("not-ready", 1, "ready", 0, "not-looked", 0), v.counts().get("lostByNodeReadiness"));
        assertEquals(Map.of("not-ready", 0, "ready", 0, "not-looked", 0), v.counts().get("missingByNodeReadiness"));
    }

    @Test
    void aRowAReadyNodeAcknowledgedIsMissingWhereANodeThatWroteWhileNotReadyDiverged() {
        event("phase-start", null, 0);
        writeSeen("run1-1", "arcadedb-1", true, -60_000, 1_000);
        writeSeen("run1-2", "arcadedb-2", false, 2_000, 3_000);
        holds("arcadedb-0", "run1-1");
        holds("arcadedb-1", "run1-1");
        holds("arcadedb-2");
        Verdict v = check();
        assertEquals(List.of("run1-2"), v.lost());
        assertEquals(Map.of("run1-1", List.of("arcadedb-2")), v.missing());
        assertTrue(v.message().contains("MISSING 1 acknowledged row (present on some nodes but not all; 1 by a node that was ready): "
                + "run1-1 lacking on arcadedb-2, where arcadedb-2 had itself acknowledged writes while not ready (acknowledged by "
                + "arcadedb-1 while it was ready (its process had started 61.0 s earlier),"), v.message());
        assertEquals(Map.of("not-ready", 0, "ready", 1, "not-looked", 0), v.counts().get("missingByNodeReadiness"));
    }

    @Test
    void aRowWrittenWithoutALookAtReadinessIsNotClassed() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        holds("arcadedb-0");
        holds("arcadedb-1");
        Verdict v = check();
        assertTrue(v.message().startsWith("LOST 1 acknowledged row (present on no node): run1-1 (acknowledged by arcadedb-0 at "), v.message());
        assertEquals(Map.of("not-ready", 0, "ready", 0, "not-looked", 1), v.counts().get("lostByNodeReadiness"));
    }

    @Test
    void lostComesFirstThenMissing() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        write("run1-2", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_100);
        holds("arcadedb-0", "run1-2");
        holds("arcadedb-1");
        Verdict v = check();
        assertTrue(v.message().startsWith("LOST 1 acknowledged row"), v.message());
        assertTrue(v.message().contains("; MISSING 1 acknowledged row"), v.message());
        assertTrue(v.message().contains("acknowledged by arcadedb-0 at "), "no phase-start: an absolute time instead: " + v.message());
    }

    @Test
    void aRowNeverAttemptedIsUnexpected() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        holds("arcadedb-0", "run1-1", "run1-invented");
        holds("arcadedb-1", "run1-1");
        Verdict v = check();
        assertFalse(v.ok());
        assertEquals(Map.of("arcadedb-0", List.of("run1-invented")), v.unexpected());
        assertTrue(v.message().startsWith("UNEXPECTED 1 row never attempted: on arcadedb-0 run1-invented"), v.message());
    }

    @Test
    void aRowHeldTwiceOnANodeIsDuplicated() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        holds("arcadedb-0", "run1-1");
        holds("arcadedb-1", "run1-1", "run1-1");
        Verdict v = check();
        assertFalse(v.ok());
        assertEquals(Map.of("arcadedb-1", List.of("run1-1")), v.duplicated());
        assertTrue(v.message().startsWith("DUPLICATED 1 row held more than once: on arcadedb-1 run1-1"), v.message());
        assertEquals(1, v.counts().get("duplicated"));
    }

    @Test
    void failedWritesThatArePresentAreInformationOnly() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        write("run1-2", "arcadedb-1", Outcome.FAILED, 1_100);
        write("run1-3", "arcadedb-1", Outcome.FAILED, 1_200);
        holds("arcadedb-0", "run1-1", "run1-2");
        holds("arcadedb-1", "run1-1", "run1-2");
        Verdict v = check();
        assertTrue(v.ok(), v.message());
        assertEquals(2, v.failed());
        assertEquals(1, v.failedPresent());
        assertEquals("all 1 acknowledged rows on every node (2 failed of which 1 present, 0 indeterminate of which 0 present)", v.message());
    }

    @Test
    void indeterminateWritesMayOrMayNotHaveLandedAndPendingOnesCountAsIndeterminate() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        write("run1-2", "arcadedb-0", Outcome.INDETERMINATE, 1_100);     // landed, on one node only
        write("run1-3", "arcadedb-0", Outcome.INDETERMINATE, 1_200);     // did not land
        write("run1-4", "arcadedb-0", Outcome.PENDING, 0);               // never answered, landed
        holds("arcadedb-0", "run1-1", "run1-2", "run1-4");
        holds("arcadedb-1", "run1-1", "run1-4");
        Verdict v = check();
        assertTrue(v.ok(), "an indeterminate write is fine either way: " + v.message());
        assertEquals(3, v.indeterminate());
        assertEquals(2, v.indeterminatePresent());
        assertEquals(4, v.attempted());
        assertEquals("all 1 acknowledged rows on every node (0 failed, 3 indeterminate of which 2 present)", v.message());
    }

    @Test
    void aRetriedMarkerIsOneRowWithItsBestOutcome() {
        write("run1-1", "arcadedb-0", Outcome.FAILED, 1_000);
        write("run1-1", "arcadedb-1", Outcome.INDETERMINATE, 1_500);
        write("run1-1", "arcadedb-2", Outcome.ACKNOWLEDGED, 2_000);
        holds("arcadedb-0");
        Verdict v = check();
        assertEquals(1, v.attempted());
        assertEquals(1, v.acknowledged());
        assertEquals(List.of("run1-1"), v.lost());
        assertTrue(v.message().contains("acknowledged by arcadedb-2"), v.message());
    }

    @Test
    void markersOutOfScopeAreIgnoredOnBothSides() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        write("run0-9", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);      // an earlier run's write: not ours
        holds("arcadedb-0", "run1-1", "run0-1", "run0-1", "seed");
        holds("arcadedb-1", "run1-1");
        Verdict v = check();
        assertTrue(v.ok(), v.message());
        assertEquals(1, v.attempted());
    }

    @Test
    void eachClassListsAtMostFiveMarkers() {
        for (int i = 1; i <= 7; i++) {
            write("run1-" + i, "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000 + i);
        }
        holds("arcadedb-0");
        Verdict v = check();
        assertEquals(7, v.lost().size());
        assertTrue(v.message().startsWith("LOST 7 acknowledged rows"), v.message());
        assertTrue(v.message().contains("run1-5 (acknowledged by arcadedb-0") && !v.message().contains("run1-6"), v.message());
        assertTrue(v.message().contains(" and 2 more"), v.message());
    }

    @Test
    void countsCarryEveryClassForTheReport() {
        write("run1-1", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        write("run1-2", "arcadedb-0", Outcome.ACKNOWLEDGED, 1_000);
        write("run1-3", "arcadedb-0", Outcome.FAILED, 1_000);
        write("run1-4", "arcadedb-0", Outcome.INDETERMINATE, 1_000);
        holds("arcadedb-0", "run1-2", "run1-2", "run1-4", "run1-x");
        holds("arcadedb-1", "run1-x");
        Map<String, Object> c = check().counts();
        assertEquals(1, c.get("lost"));
        assertEquals(1, c.get("missing"));
        assertEquals(2, c.get("unexpected"));
        assertEquals(1, c.get("duplicated"));
        assertEquals(2, c.get("acknowledged"));
        assertEquals(1, c.get("failed"));
        assertEquals(1, c.get("indeterminate"));
        assertEquals(0, c.get("failedPresent"));
        assertEquals(1, c.get("indeterminatePresent"));
    }

    @Test
    void theHistoryFeedsTheCheckerDirectly() {
        History h = new History();
        h.event("failover", "phase-start", null, null);
        long id = h.sent("run1-1", "failover", "arcadedb-0");
        h.answered(id, Outcome.ACKNOWLEDGED, null);
        Verdict v = Checker.check(h.ops("failover"), Map.of("arcadedb-0", List.of(), "arcadedb-1", List.of()), OURS, h.events("failover"));
        assertEquals(List.of("run1-1"), v.lost());
        assertTrue(v.message().startsWith("LOST 1 acknowledged row (present on no node): run1-1 (acknowledged by arcadedb-0 at +0."), v.message());
    }
}
