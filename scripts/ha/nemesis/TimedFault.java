package ha.nemesis;

import java.time.Duration;

/**
 * What the suite's faults share: the fewest nodes they need, and the moment they were applied, from which a phase
 * measures its figures (election time, time to a new leader, join time).
 */
abstract class TimedFault implements Fault {
    private final int nodesNeeded;
    private volatile long appliedNanos = -1;

    TimedFault(int nodesNeeded) {
        this.nodesNeeded = nodesNeeded;
    }

    @Override
    public final int nodesNeeded() {
        return nodesNeeded;
    }

    /** Notes that the fault takes effect now. */
    protected final void markApplied() {
        appliedNanos = System.nanoTime();
    }

    /** Time since the fault took effect (zero before). */
    public final Duration sinceApplied() {
        return appliedNanos < 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - appliedNanos);
    }
}
