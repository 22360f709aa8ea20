package ha.run;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one phase hands to the later ones inside one driver run (a phase run alone starts with an empty state):
 * the row the write phase wrote, for the read phase to read back; the rows a phase already reported lost or missing,
 * which later phases do not judge again.
 */
public final class RunState {
    private volatile String writtenMarker;
    private final Set<String> reported = new TreeSet<>();

    /** The marker of the row the write phase wrote, or null when it did not run. */
    public String writtenMarker() {
        return writtenMarker;
    }

    public void wrote(String marker) {
        this.writtenMarker = marker;
    }

    /** Markers an earlier phase reported lost or missing. */
    public synchronized Set<String> reported() {
        return Set.copyOf(reported);
    }

    public synchronized void reported(Collection<String> markers) {
        reported.addAll(markers);
    }
}
