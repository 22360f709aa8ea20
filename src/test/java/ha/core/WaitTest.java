package ha.core;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitTest {
    private static final Duration POLL = Duration.ofMillis(10);

    @Test
    void returnsTheFirstObservationThatIsReady() {
        AtomicInteger n = new AtomicInteger();
        int seen = Wait.until("the counter to reach 3", POLL, Duration.ofSeconds(5), n::incrementAndGet, v -> v >= 3);
        assertEquals(3, seen);
    }

    @Test
    void anExceptionCountsAsNotYet() {
        AtomicInteger n = new AtomicInteger();
        String seen = Wait.until("a flaky source to answer", POLL, Duration.ofSeconds(5), () -> {
            if (n.incrementAndGet() < 3) {
                throw new IOException("connection reset");
            }
            return "answer";
        }, "answer"::equals);
        assertEquals("answer", seen);
    }

    @Test
    void theTimeoutSaysWhatWasAwaitedAndWhatWasSeenLast() {
        Wait.WaitTimeoutException e = assertThrows(Wait.WaitTimeoutException.class, () ->
                Wait.until("every pod to name the same leader", POLL, Duration.ofMillis(200), () -> "{pod-0: leaderId=null}", s -> false));
        assertTrue(e.getMessage().startsWith("Timed out after 0."), e.getMessage());
        assertTrue(e.getMessage().contains("waiting for every pod to name the same leader; last seen: {pod-0: leaderId=null}"), e.getMessage());
    }

    @Test
    void theLastExceptionIsWhatWasSeenLast() {
        Wait.WaitTimeoutException e = assertThrows(Wait.WaitTimeoutException.class, () ->
                Wait.until("node 1 to answer", POLL, Duration.ofMillis(100), () -> {
                    throw new IOException("Connection refused");
                }, s -> true));
        assertTrue(e.getMessage().endsWith("last seen: IOException: Connection refused"), e.getMessage());
    }

    @Test
    void aSuiteExceptionEndsTheWaitAtOnce() {
        long t0 = System.nanoTime();
        assertThrows(SuiteException.class, () -> Wait.until("anything", POLL, Duration.ofSeconds(30), () -> {
            throw new SuiteException("password rejected");
        }, s -> true));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
    }

    @Test
    void theTimeoutHookRunsBeforeTheFailure() {
        AtomicInteger hook = new AtomicInteger();
        assertThrows(Wait.WaitTimeoutException.class, () ->
                Wait.until("never", POLL, Duration.ofMillis(50), () -> 1, v -> false, hook::incrementAndGet));
        assertEquals(1, hook.get());
    }

    @Test
    void aCheckThatObservesNothingSaysSoInsteadOfNull() {
        Wait.WaitTimeoutException e = assertThrows(Wait.WaitTimeoutException.class, () ->
                Wait.until("the leader to report arcadedb-4 HEALTHY", POLL, Duration.ofMillis(100), () -> null, s -> false));
        assertTrue(e.getMessage().endsWith("; last seen: no observation (the check found nothing to show)"), e.getMessage());
        assertTrue(!e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void aStatusRequestInsideAWaitGetsAThirdOfItWithinOneToFiveSeconds() {
        Duration usual = Duration.ofSeconds(15);
        assertEquals(usual, Wait.requestTimeout(usual), "outside a wait a request keeps its usual timeout");
        assertEquals(Duration.ofSeconds(1), observedShare(Duration.ofSeconds(2), usual));
        assertEquals(Duration.ofSeconds(2), observedShare(Duration.ofSeconds(6), usual));
        assertEquals(Duration.ofSeconds(5), observedShare(Duration.ofMinutes(5), usual));
        assertEquals(Duration.ofMillis(300), observedShare(Duration.ofMinutes(5), Duration.ofMillis(300)), "a shorter usual timeout stays");
        assertEquals(usual, Wait.requestTimeout(usual), "after the wait the usual timeout is back");
    }

    @Test
    void aNestedWaitBoundsItsOwnRequestsAndGivesTheOuterShareBack() {
        Duration usual = Duration.ofSeconds(15);
        Duration[] seen = new Duration[2];
        Wait.until("the outer condition", POLL, Duration.ofMinutes(1), () -> {
            Wait.until("the inner condition", POLL, Duration.ofSeconds(3), () -> seen[0] = Wait.requestTimeout(usual), d -> true);
            return seen[1] = Wait.requestTimeout(usual);
        }, d -> true);
        assertEquals(Duration.ofSeconds(1), seen[0]);
        assertEquals(Duration.ofSeconds(5), seen[1]);
    }

    @Test
    void theShareIsGivenBackWhenTheObservationThrows() {
        Duration usual = Duration.ofSeconds(15);
        assertThrows(Wait.WaitTimeoutException.class, () -> Wait.until("a source that always fails", POLL, Duration.ofMillis(50), () -> {
            throw new IOException("refused");
        }, v -> true));
        assertEquals(usual, Wait.requestTimeout(usual));
    }

    private static Duration observedShare(Duration waitTimeout, Duration usual) {
        return Wait.until("a request timeout to be read", POLL, waitTimeout, () -> Wait.requestTimeout(usual), d -> true);
    }
}
