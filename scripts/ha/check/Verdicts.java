package ha.check;

import ha.core.PhaseFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * One result from the judges of a disruptive phase (the checker's verdict over the writes, the availability bound, the
 * cluster invariants): each judge is heard, and the failure names every part that failed, in the order they were heard.
 */
public final class Verdicts {
    private final List<String> failed = new ArrayList<>();

    /** Records {@code failure} (null or empty: the part held). */
    public Verdicts add(String failure) {
        if (failure != null && !failure.isEmpty()) {
            failed.add(failure);
        }
        return this;
    }

    /** Runs a judge that throws {@link PhaseFailure} when its part fails, and records that failure. */
    public Verdicts hear(Runnable judge) {
        try {
            judge.run();
        } catch (PhaseFailure e) {
            add(e.getMessage());
        }
        return this;
    }

    public boolean allHeld() {
        return failed.isEmpty();
    }

    /** Throws one {@link PhaseFailure} naming every failed part, joined by "; ". */
    public void throwIfAnyFailed() {
        if (!failed.isEmpty()) {
            throw new PhaseFailure(String.join("; ", failed));
        }
    }
}
