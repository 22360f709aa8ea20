package ha.check;

import ha.core.Node;
import ha.core.PhaseFailure;
import ha.core.PhaseSkipped;
import ha.core.Sizes;
import ha.target.ServerSetting;
import ha.target.Target;
import java.util.List;
import java.util.Map;

/**
 * The three settings that let a test force a snapshot install (reference §5.3): a low snapshot threshold and purge gap,
 * and a small log segment, because Ratis purges only whole closed segments. Read from what the target's cluster runs
 * with; a cluster without them cannot purge its log in a test, so the phase that needs them is skipped, saying how that
 * target is started with them.
 */
public record SnapshotSettings(int threshold, int purgeGap, long segmentBytes) {
    /** Above this the phase would need too many writes to force a snapshot in a test. */
    static final int MAX_THRESHOLD = 1000;
    /** Above this the phase would write too many bytes to roll several segments in a test. */
    static final long MAX_SEGMENT_BYTES = 8L << 20;
    /** Segments the payload rows should fill, so that closed segments exist beyond the snapshot to be purged. */
    static final int SEGMENTS_TO_ROLL = 3;
    /** Characters of random payload per row: they compress little, so the Raft log grows by about that much per row. */
    public static final int PAYLOAD_CHARS = 16_000;
    /** What the suite's own runs use (the local servers also need Ratis' buffers within the 1MB segment). */
    static final Map<ServerSetting, String> RECOMMENDED = ServerSetting.values(ServerSetting.SNAPSHOT_THRESHOLD, 20,
            ServerSetting.LOG_PURGE_GAP, 5, ServerSetting.LOG_SEGMENT_SIZE, "1MB", ServerSetting.APPEND_BUFFER_SIZE, "512KB",
            ServerSetting.WRITE_BUFFER_SIZE, "1MB");

    /** The target's snapshot settings; {@link PhaseSkipped} naming the missing or unusable one and how to set them. */
    public static SnapshotSettings of(Target target) {
        String how = target.howToSet(RECOMMENDED);
        int threshold = whole(target, ServerSetting.SNAPSHOT_THRESHOLD, how);
        int purgeGap = whole(target, ServerSetting.LOG_PURGE_GAP, how);
        String segment = ServerSetting.LOG_SEGMENT_SIZE.in(target);
        if (segment == null) {
            throw new PhaseSkipped("the install does not set " + ServerSetting.LOG_SEGMENT_SIZE + " (default 64MB: Ratis deletes only "
                    + "whole closed segments, so nothing is purged in a test); " + how);
        }
        long bytes;
        try {
            bytes = Sizes.parse(segment);
        } catch (IllegalArgumentException e) {
            throw new PhaseSkipped(ServerSetting.LOG_SEGMENT_SIZE + "=" + segment + " is not a size like 1MB; " + how);
        }
        if (bytes <= 0 || bytes > MAX_SEGMENT_BYTES) {
            throw new PhaseSkipped(ServerSetting.LOG_SEGMENT_SIZE + "=" + segment + " is too large to roll several segments in a test "
                    + "(at most " + Sizes.mib(MAX_SEGMENT_BYTES) + "); " + how);
        }
        return new SnapshotSettings(threshold, purgeGap, bytes);
    }

    private static int whole(Target target, ServerSetting setting, String how) {
        String value = setting.in(target);
        if (value == null) {
            throw new PhaseSkipped("the install does not set " + setting + " (a snapshot install needs a purged log start); " + how);
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new PhaseSkipped(setting + "=" + value + " is not a number; " + how);
        }
        if (n <= 0 || n > MAX_THRESHOLD) {
            throw new PhaseSkipped(setting + "=" + n + " is too high to force a snapshot in a test (at most " + MAX_THRESHOLD + "); " + how);
        }
        return n;
    }

    /** Rows to write so that a snapshot is taken, the purge gap passed and {@link #SEGMENTS_TO_ROLL} segments roll. */
    public int rowsToPurge() {
        return (int) Math.max(2L * threshold + purgeGap + 10, SEGMENTS_TO_ROLL * segmentBytes / PAYLOAD_CHARS + 1);
    }

    /** "3.0 MiB of log against segments of 1.0 MiB, snapshot threshold 20, purge gap 5". */
    public String describe(int rows) {
        return Sizes.mib((long) rows * PAYLOAD_CHARS) + " of log against segments of " + Sizes.mib(segmentBytes)
                + ", snapshot threshold " + threshold + ", purge gap " + purgeGap;
    }

    /**
     * The follower's log must show a snapshot install (reference §5.5). Returns that line; fails with what the log shows
     * instead (a log-replay catch-up, or no resync at all).
     */
    public static String assertInstalled(String log, Node follower) {
        ServerLogs.SnapshotInstall install = ServerLogs.snapshotInstall(log);
        if (install.seen()) {
            return install.line();
        }
        List<String> other = install.otherResyncs();
        throw new PhaseFailure("could not force a snapshot install: " + follower + " caught up without one; its log shows "
                + (other.isEmpty() ? "no snapshot or resync line (it replayed the leader's log)" : String.join(" | ", other))
                + ". Expected the start of the leader's log to be purged: lower " + ServerSetting.LOG_SEGMENT_SIZE + " or write more");
    }
}
