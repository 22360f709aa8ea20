package ha.target;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ArcadeDB server setting a phase depends on: its key, and the chart value that renders it (null when the chart has
 * none of its own). A target reads what its cluster runs with ({@link Target#settings()}) and says how to start one
 * that runs with other values ({@link Target#howToSet}); phases never spell out a target's flags.
 */
public record ServerSetting(String key, String chartValue) {
    public static final ServerSetting SNAPSHOT_THRESHOLD = new ServerSetting("arcadedb.ha.snapshotThreshold", "ha.snapshotThreshold");
    public static final ServerSetting LOG_PURGE_GAP = new ServerSetting("arcadedb.ha.logPurgeGap", "ha.logPurgeGap");
    public static final ServerSetting LOG_SEGMENT_SIZE = new ServerSetting("arcadedb.ha.logSegmentSize", "ha.logSegmentSize");
    /** Ratis' buffers must stay within a small log segment (local servers with 1MB segments needed both). */
    public static final ServerSetting APPEND_BUFFER_SIZE = new ServerSetting("arcadedb.ha.appendBufferSize", null);
    public static final ServerSetting WRITE_BUFFER_SIZE = new ServerSetting("arcadedb.ha.writeBufferSize", null);

    /** The value the target's cluster runs with, or null when it does not set it. */
    public String in(Target target) {
        return target.settings().get(key);
    }

    /** Values in the order given, for {@link Target#howToSet}. */
    public static Map<ServerSetting, String> values(Object... settingsAndValues) {
        Map<ServerSetting, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < settingsAndValues.length; i += 2) {
            m.put((ServerSetting) settingsAndValues[i], String.valueOf(settingsAndValues[i + 1]));
        }
        return m;
    }

    @Override
    public String toString() {
        return key;
    }
}
