///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase snapshot-recovery: a follower whose state is destroyed comes back by a snapshot install, holds the leader's rows and keeps receiving new ones.
package ha.scripts;

import ha.AfterDisruption;
import ha.Cli;
import ha.ClusterOps;
import ha.ClusterStatus;
import ha.CommonOptions;
import ha.Log;
import ha.Node;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseFailure;
import ha.PhaseRunner;
import ha.PhaseSkipped;
import ha.Rows;
import ha.ServerVersion;
import ha.Target;
import ha.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-snapshot-recovery", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = "Snapshot-install recovery. Ratis purges only whole closed log segments, so with a small log segment "
                + "(arcadedb.ha.logSegmentSize), a low snapshot threshold and purge gap (chart values ha.logSegmentSize, "
                + "ha.snapshotThreshold, ha.logPurgeGap) the phase writes rows with a payload until several segments have "
                + "rolled past the threshold and the start of the log is gone; then it destroys a follower's state (its pod "
                + "and volume claims, or its data folder). The follower can only come back by a snapshot install: the phase "
                + "asserts the install in its log (failing with \"could not force a snapshot install\" otherwise), that the "
                + "leader reports it HEALTHY, that it holds exactly the leader's rows, that rows written after its return "
                + "reach it, and then the cluster invariants and the checker's verdict. Skipped when the install does not "
                + "set the three values.")
public class HaSnapshotRecovery implements Phase, Callable<Integer> {
    static final String THRESHOLD = "arcadedb.ha.snapshotThreshold";
    static final String PURGE_GAP = "arcadedb.ha.logPurgeGap";
    static final String SEGMENT = "arcadedb.ha.logSegmentSize";
    /** Above this the phase would need too many writes to force a snapshot in a test. */
    static final int MAX_THRESHOLD = 1000;
    /** Above this the phase would write too many bytes to roll several segments in a test. */
    static final long MAX_SEGMENT_BYTES = 8L << 20;
    /** Segments the payload rows should fill, so that closed segments exist beyond the snapshot to be purged. */
    static final int SEGMENTS_TO_ROLL = 3;
    static final int PAYLOAD_CHARS = 16_000;
    private static final int ROWS_AFTER_RETURN = 5;
    static final String HOW = "install with --set ha.snapshotThreshold=20 --set ha.logPurgeGap=5 --set ha.logSegmentSize=1MB "
            + "(local target: --server-setting arcadedb.ha.snapshotThreshold=20 --server-setting arcadedb.ha.logPurgeGap=5 "
            + "--server-setting arcadedb.ha.logSegmentSize=1MB --server-setting arcadedb.ha.appendBufferSize=512KB "
            + "--server-setting arcadedb.ha.writeBufferSize=1MB)";

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "snapshot-recovery";
    }

    @Override
    public String summary() {
        return "a wiped follower comes back by a snapshot install, holds the leader's rows and keeps receiving new ones";
    }

    @Override
    public void run(PhaseContext ctx) {
        Target target = ctx.target();
        ClusterOps cluster = ctx.cluster();
        Rows rows = ctx.rows();
        int threshold = intSetting(target, THRESHOLD, MAX_THRESHOLD);
        int purgeGap = intSetting(target, PURGE_GAP, MAX_THRESHOLD);
        long segment = segmentBytes(target);
        ServerVersion version = cluster.version(ctx.timeout());

        Node leader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
        rows.ensureSchema(leader, ctx.timeout());
        int toWrite = (int) Math.max(2L * threshold + purgeGap + 10, SEGMENTS_TO_ROLL * segment / PAYLOAD_CHARS + 1);
        Log.step("writing %d rows of %d characters through %s: %s of log against segments of %s, snapshot threshold %d, "
                + "purge gap %d", toWrite, PAYLOAD_CHARS, leader, mib((long) toWrite * PAYLOAD_CHARS), mib(segment), threshold, purgeGap);
        List<String> markers = new ArrayList<>();
        for (int i = 1; i <= toWrite; i++) {
            markers.add(String.format("%s-snap-%05d", ctx.runId(), i));
        }
        rows.insertAllAcknowledged(leader, markers, name(), PAYLOAD_CHARS, ctx.timeout());

        Node follower = pickFollower(target, leader);
        String before = target.incarnation(follower);
        Log.step("destroying %s and its state (%s)", follower, target.keepsStateOnRestart() ? "node and its volumes" : "node");
        long t0 = System.nanoTime();
        ctx.event("wiped", follower, "killed with its state deleted");
        target.deleteNode(follower, true);
        target.awaitReplacement(follower, before, ctx.timeout());
        ctx.event("ready-again", follower, "back and ready after its state was wiped");
        ctx.figure("replacement ready after", Log.seconds(Duration.ofNanos(System.nanoTime() - t0)));

        leader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
        if (version.reportsReplicaStatus()) {
            Node currentLeader = leader;
            Wait.until("the leader " + leader + " to report " + follower + " HEALTHY", Wait.HTTP_POLL, ctx.timeout(),
                    () -> cluster.followerHealth(currentLeader), health -> {
                        ClusterStatus.Peer peer = health.followers().get(follower);
                        return peer != null && ClusterOps.healthy(peer);
                    });
        }
        Set<String> leaderRows = rows.markers(leader);
        Wait.until(follower + " to hold exactly the leader's " + leaderRows.size() + " rows", Wait.HTTP_POLL, ctx.timeout(),
                () -> new Rows.Holding(follower, leaderRows, rows.markers(follower)),
                h -> h.complete() && h.seen().size() == leaderRows.size());
        ctx.figure("snapshot install", assertSnapshotInstall(target.logs(follower, false), follower));

        Set<String> after = new LinkedHashSet<>();
        for (int i = 1; i <= ROWS_AFTER_RETURN; i++) {
            after.add(String.format("%s-after-return-%02d", ctx.runId(), i));
        }
        rows.insertAllAcknowledged(leader, new ArrayList<>(after), name(), ctx.timeout());
        Wait.until(follower + " to receive the " + ROWS_AFTER_RETURN + " rows written after it came back", Wait.HTTP_POLL,
                ctx.timeout(), () -> new Rows.Holding(follower, after, rows.markers(follower)), Rows.Holding::complete);
        AfterDisruption.judgeWrites(ctx);
        AfterDisruption.awaitInvariants(ctx, "after the snapshot-install recovery");
    }

    /**
     * The follower's log must show a snapshot install (reference §5.5): the state machine's "HA resync started
     * (mode=snapshot" line or the reconciler's "Installing snapshot for database". Returns that line; fails with what
     * the log shows instead (a log-replay catch-up, or no resync at all).
     */
    public static String assertSnapshotInstall(String log, Node follower) {
        String text = log == null ? "" : log;
        List<String> resync = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (line.contains("HA resync started (mode=snapshot") || line.contains("Installing snapshot for database")) {
                return line.substring(line.indexOf("HA resync") >= 0 ? line.indexOf("HA resync") : line.indexOf("Installing")).trim();
            }
            if (line.contains("HA resync") || line.contains("Acquiring database") || line.contains("Refreshing database")) {
                resync.add(line.trim());
            }
        }
        throw new PhaseFailure("could not force a snapshot install: " + follower + " caught up without one; its log shows "
                + (resync.isEmpty() ? "no snapshot or resync line (it replayed the leader's log)" : String.join(" | ", resync))
                + ". Expected the start of the leader's log to be purged: lower " + SEGMENT + " or write more");
    }

    private static int intSetting(Target target, String key, int max) {
        String value = target.settings().get(key);
        if (value == null) {
            throw new PhaseSkipped("the install does not set " + key + " (a snapshot install needs a purged log start); " + HOW);
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new PhaseSkipped(key + "=" + value + " is not a number; " + HOW);
        }
        if (n <= 0 || n > max) {
            throw new PhaseSkipped(key + "=" + n + " is too high to force a snapshot in a test (at most " + max + "); " + HOW);
        }
        return n;
    }

    private static long segmentBytes(Target target) {
        String value = target.settings().get(SEGMENT);
        if (value == null) {
            throw new PhaseSkipped("the install does not set " + SEGMENT + " (default 64MB: Ratis deletes only whole closed "
                    + "segments, so nothing is purged in a test); " + HOW);
        }
        long bytes;
        try {
            bytes = parseSize(value);
        } catch (IllegalArgumentException e) {
            throw new PhaseSkipped(SEGMENT + "=" + value + " is not a size like 1MB; " + HOW);
        }
        if (bytes <= 0 || bytes > MAX_SEGMENT_BYTES) {
            throw new PhaseSkipped(SEGMENT + "=" + value + " is too large to roll several segments in a test (at most "
                    + mib(MAX_SEGMENT_BYTES) + "); " + HOW);
        }
        return bytes;
    }

    /** "1MB", "512KB", "1048576", "2 mb" as bytes (units of 1024, as Ratis reads them). */
    static long parseSize(String value) {
        String v = value.trim().toUpperCase(java.util.Locale.ROOT).replace(" ", "");
        long unit = 1;
        for (String[] u : new String[][]{{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (v.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                v = v.substring(0, v.length() - u[0].length());
                break;
            }
        }
        try {
            return Long.parseLong(v) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + value, e);
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** The highest-ordinal follower: the one a StatefulSet would also replace last. */
    private static Node pickFollower(Target target, Node leader) {
        Node pick = null;
        for (Node n : target.nodes()) {
            if (!n.equals(leader)) {
                pick = n;
            }
        }
        if (pick == null) {
            throw new PhaseFailure("expected at least one follower, saw only the leader " + leader);
        }
        return pick;
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaSnapshotRecovery(), args));
    }
}
