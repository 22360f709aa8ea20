package ha.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * The suite's one way to wait. Every wait has a description, a poll interval, a deadline and a
 * condition over an observation; an exception while observing counts as "not yet" and is remembered,
 * except a {@link SuiteException} (a rejected password, a missing tool), which no amount of waiting fixes.
 * At the deadline it fails with the description and what it saw last, so a failure reads like
 * "Timed out after 60.0 s waiting for every pod to name the same leader; last seen: {pod-0=…}".
 */
public final class Wait {
    /** What a failure says was seen last when the observation itself was null: never a bare "null". */
    static final String NOTHING_OBSERVED = "no observation (the check found nothing to show)";

    /** Default poll interval for HTTP conditions. */
    public static final Duration HTTP_POLL = Duration.ofMillis(250);

    /** The request share of the wait whose observation runs on this thread now; none outside a wait. */
    private static final ThreadLocal<Duration> OBSERVING = new ThreadLocal<>();

    private Wait() {
    }

    /** Polls {@code observe} until {@code ready} accepts an observation, and returns that observation. */
    public static <T> T until(String description, Duration poll, Duration timeout, Callable<T> observe, Predicate<T> ready) {
        return until(description, poll, timeout, observe, ready, () -> { });
    }

    /**
     * As {@link #until(String, Duration, Duration, Callable, Predicate)}, running {@code onTimeout}
     * (for example to log extra state) before the failure is thrown.
     */
    public static <T> T until(String description, Duration poll, Duration timeout, Callable<T> observe,
                              Predicate<T> ready, Runnable onTimeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String lastSeen = "nothing yet";
        int polls = 0;
        while (true) {
            polls++;
            Duration outer = OBSERVING.get();
            OBSERVING.set(requestShare(timeout));
            try {
                T seen = observe.call();
                lastSeen = seen == null ? NOTHING_OBSERVED : String.valueOf(seen);
                if (ready.test(seen)) {
                    Log.step("%s (%s)", description, Log.seconds(Duration.ofNanos(System.nanoTime() - start)));
                    return seen;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SuiteException("interrupted while waiting for " + description);
            } catch (SuiteException e) {
                throw e;   // the environment is wrong (rejected password, missing tool): waiting cannot help
            } catch (Exception e) {
                lastSeen = describe(e);
            } finally {
                OBSERVING.set(outer);
            }
            long now = System.nanoTime();
            if (now >= deadline) {
                try {
                    onTimeout.run();
                } catch (RuntimeException ignored) {
                    // the timeout itself is the failure worth reporting
                }
                throw new WaitTimeoutException(description, Duration.ofNanos(now - start), polls, lastSeen);
            }
            Log.debug("not yet: %s; saw %s", description, lastSeen);
            sleep(Math.min(poll.toNanos(), deadline - now));
        }
    }

    /**
     * How long one status request may take: {@code usual} outside a wait; inside a wait's observation, at most a third of
     * that wait, within 1 to 5 s. So a request that is never answered (a paused node, a stream that lost it) costs one poll,
     * and the wait still sees the node answer on a later one.
     */
    public static Duration requestTimeout(Duration usual) {
        Duration share = OBSERVING.get();
        return share == null || share.compareTo(usual) > 0 ? usual : share;
    }

    /** A third of {@code waitTimeout}, within 1 to 5 s. */
    static Duration requestShare(Duration waitTimeout) {
        Duration third = waitTimeout.dividedBy(3);
        return third.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : third.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : third;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SuiteException("interrupted while waiting");
        }
    }

    /** A wait that reached its deadline. Its message says what was awaited and what was seen last. */
    public static final class WaitTimeoutException extends PhaseFailure {
        private final String lastSeen;

        WaitTimeoutException(String description, Duration waited, int polls, String lastSeen) {
            super("Timed out after " + Log.seconds(waited) + " (" + polls + " polls) waiting for " + description
                    + "; last seen: " + lastSeen);
            this.lastSeen = lastSeen;
        }

        public String lastSeen() {
            return lastSeen;
        }
    }
}
