package ha.run;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one phase hands to the later ones inside one driver run (a phase run alone starts with an empty state):
 * the row the write phase wrote, for the read phase to read back; the rows a phase already reported lost or missing,
 * which later phases do not judge again (but do read again: which nodes lack each of them, as last seen).
 */
public final class RunState {
    private volatile String writtenMarker;
    /** Reported marker to the nodes that lacked it when last read. */
    private final Map<String, List<String>> reported = new TreeMap<>();

    /** The marker of the row the write phase wrote, or null when it did not run. */
    public String writtenMarker() {
        return writtenMarker;
    }

    public void wrote(String marker) {
        this.writtenMarker = marker;
    }

    /** Markers an earlier phase reported lost, missing or duplicated. */
    public synchronized Set<String> reported() {
        return Set.copyOf(reported.keySet());
    }

    /** The nodes that lacked {@code marker} when it was last read, or null if it was never reported. */
    public synchronized List<String> lacking(String marker) {
        return reported.get(marker);
    }

    /** Rows reported lost, missing or duplicated, or read again, with the nodes that lack each of them now. */
    public synchronized void reported(Map<String, List<String>> lackingByMarker) {
        lackingByMarker.forEach((marker, nodes) -> reported.put(marker, List.copyOf(nodes)));
    }
}
