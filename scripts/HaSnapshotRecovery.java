///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase snapshot-recovery: a follower whose state is destroyed comes back, catches up and keeps receiving the log.
package ha.scripts;

import ha.Cli;
import ha.ClusterOps;
import ha.CommonOptions;
import ha.Log;
import ha.Node;
import ha.Phase;
import ha.PhaseContext;
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
        description = "Snapshot-install recovery: with a low arcadedb.ha.snapshotThreshold (chart value ha.snapshotThreshold), "
                + "writes more rows than the threshold, destroys a follower's state (its pod and volume claims, or its data "
                + "folder), waits for the replacement, then asserts that the leader reports it HEALTHY, that it holds exactly "
                + "the leader's rows, and that rows written after it came back reach it. Whether the snapshot-install log line "
                + "appeared is reported, never asserted. Skipped when the install does not lower the threshold.")
public class HaSnapshotRecovery implements Phase, Callable<Integer> {
    static final String THRESHOLD = "arcadedb.ha.snapshotThreshold";
    /** Above this the phase would need too many writes to force a snapshot in a test. */
    static final int MAX_THRESHOLD = 1000;
    private static final int ROWS_AFTER_RETURN = 5;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "snapshot-recovery";
    }

    @Override
    public String summary() {
        return "a wiped follower comes back, holds the leader's rows and keeps receiving new ones";
    }

    @Override
    public void run(PhaseContext ctx) {
        Target target = ctx.target();
        ClusterOps cluster = ctx.cluster();
        Rows rows = ctx.rows();
        int threshold = snapshotThreshold(target);
        ServerVersion version = cluster.version(ctx.timeout());

        Node leader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
        rows.ensureSchema(leader, ctx.timeout());
        int toWrite = 2 * threshold + 10;
        Log.step("writing %d rows through %s (snapshot threshold %d)", toWrite, leader, threshold);
        List<String> markers = new ArrayList<>();
        for (int i = 1; i <= toWrite; i++) {
            markers.add(String.format("%s-snap-%05d", ctx.runId(), i));
        }
        rows.insertAllAcknowledged(leader, markers, name(), ctx.timeout());

        Node follower = pickFollower(target, leader);
        String before = target.incarnation(follower);
        Log.step("destroying %s and its state (%s)", follower, target.keepsStateOnRestart() ? "node and its volumes" : "node");
        long t0 = System.nanoTime();
        target.deleteNode(follower, true);
        target.awaitReplacement(follower, before, ctx.timeout());
        ctx.figure("replacement ready after", Log.seconds(Duration.ofNanos(System.nanoTime() - t0)));

        leader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
        if (version.reportsReplicaStatus()) {
            Node currentLeader = leader;
            Wait.until("the leader " + leader + " to report " + follower + " HEALTHY", Wait.HTTP_POLL, ctx.timeout(),
                    () -> cluster.followerHealth(currentLeader).followers().get(follower),
                    peer -> peer != null && ClusterOps.healthy(peer));
        }
        Set<String> leaderRows = rows.markers(leader);
        Wait.until(follower + " to hold exactly the leader's " + leaderRows.size() + " rows", Wait.HTTP_POLL, ctx.timeout(),
                () -> new Rows.Holding(follower, leaderRows, rows.markers(follower)),
                h -> h.complete() && h.seen().size() == leaderRows.size());

        Set<String> after = new LinkedHashSet<>();
        for (int i = 1; i <= ROWS_AFTER_RETURN; i++) {
            after.add(String.format("%s-after-return-%02d", ctx.runId(), i));
        }
        rows.insertAllAcknowledged(leader, new ArrayList<>(after), name(), ctx.timeout());
        Wait.until(follower + " to receive the " + ROWS_AFTER_RETURN + " rows written after it came back", Wait.HTTP_POLL,
                ctx.timeout(), () -> new Rows.Holding(follower, after, rows.markers(follower)), Rows.Holding::complete);

        String log = target.logs(follower, false);
        boolean installed = log != null && (log.contains("mode=snapshot") || log.contains("Installing snapshot for database"));
        ctx.figure("snapshot install logged", installed ? "yes" : "no (caught up by log replay, or the line is not logged)");
    }

    private static int snapshotThreshold(Target target) {
        String value = target.settings().get(THRESHOLD);
        if (value == null) {
            throw new PhaseSkipped("the install does not set " + THRESHOLD + " (default 100000, too high to force a snapshot"
                    + " in a test); install with --set ha.snapshotThreshold=50 --set ha.logPurgeGap=10 (local target:"
                    + " --server-setting arcadedb.ha.snapshotThreshold=50 --server-setting arcadedb.ha.logPurgeGap=10)");
        }
        int threshold;
        try {
            threshold = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new PhaseSkipped(THRESHOLD + "=" + value + " is not a number");
        }
        if (threshold <= 0 || threshold > MAX_THRESHOLD) {
            throw new PhaseSkipped(THRESHOLD + "=" + threshold + " is too high to force a snapshot in a test (at most "
                    + MAX_THRESHOLD + "); install with --set ha.snapshotThreshold=50");
        }
        return threshold;
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
            throw new ha.PhaseFailure("expected at least one follower, saw only the leader " + leader);
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
