///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase snapshot-recovery: a follower whose state is destroyed comes back by a snapshot install, holds the leader's rows and keeps receiving new ones.
package ha.scripts;

import ha.Cli;
import ha.ClusterOps;
import ha.ClusterStatus;
import ha.CommonOptions;
import ha.Crash;
import ha.DisruptivePhase;
import ha.Fault;
import ha.FaultContext;
import ha.Log;
import ha.Node;
import ha.PhaseContext;
import ha.PhaseRunner;
import ha.Rows;
import ha.SnapshotSettings;
import ha.Wait;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-snapshot-recovery", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = {HaSnapshotRecovery.PURPOSE, "",
            "Ratis purges only whole closed log segments, so with a small log segment (arcadedb.ha.logSegmentSize), a low "
                + "snapshot threshold and purge gap (chart values ha.logSegmentSize, ha.snapshotThreshold, ha.logPurgeGap) "
                + "the phase writes rows with a payload until several segments have rolled past the threshold and the start "
                + "of the log is gone; then it destroys a follower's state (its pod and volume claims, or its data folder). "
                + "The follower can only come back by a snapshot install: the phase asserts the install in its log (failing "
                + "with \"could not force a snapshot install\" otherwise), that the leader reports it HEALTHY, that it holds "
                + "exactly the leader's rows, that rows written after its return reach it, and then the cluster invariants "
                + "and the checker's verdict. Skipped when the install does not set the three values."})
public class HaSnapshotRecovery extends DisruptivePhase implements Callable<Integer> {
    static final String PURPOSE = "a follower whose state is destroyed comes back by a snapshot install, holds the leader's rows "
            + "and keeps receiving new ones";
    private static final int ROWS_AFTER_RETURN = 5;

    @Mixin
    CommonOptions common = new CommonOptions();

    private SnapshotSettings settings;
    private Crash wipe;

    public HaSnapshotRecovery() {
        super(Crash.NODES_NEEDED);
    }

    @Override
    public String name() {
        return "snapshot-recovery";
    }

    @Override
    public String summary() {
        return PURPOSE;
    }

    @Override
    protected void checkApplicable(PhaseContext ctx) {
        settings = SnapshotSettings.of(ctx.target());
    }

    /** Enough rows with an incompressible payload for several log segments to roll and the log's start to be purged. */
    @Override
    protected void prepare(PhaseContext ctx, Node leader) {
        int rows = settings.rowsToPurge();
        Log.step("writing %d rows of %d characters through %s: %s", rows, SnapshotSettings.PAYLOAD_CHARS, leader, settings.describe(rows));
        List<String> markers = new ArrayList<>();
        for (int i = 1; i <= rows; i++) {
            markers.add(String.format("%s-snap-%05d", ctx.runId(), i));
        }
        ctx.rows().insertAllAcknowledged(leader, markers, name(), SnapshotSettings.PAYLOAD_CHARS, ctx.timeout());
    }

    @Override
    protected Fault fault(PhaseContext ctx) {
        wipe = Crash.wiping(Fault.Pick.LAST_FOLLOWER);
        return wipe;
    }

    @Override
    protected String writer() {
        return null;
    }

    @Override
    protected String after() {
        return "after the snapshot-install recovery";
    }

    /** The wiped follower is HEALTHY, holds exactly the leader's rows by a snapshot install, and receives new rows. */
    @Override
    protected void afterHeal(PhaseContext ctx, FaultContext fault) {
        Node follower = wipe.node();
        ctx.figure("replacement ready after", Log.seconds(wipe.sinceApplied()));
        Node leader = ctx.awaitLeader();
        if (ctx.cluster().version(ctx.timeout()).reportsReplicaStatus()) {
            Wait.until("the leader " + leader + " to report " + follower + " HEALTHY", Wait.HTTP_POLL, ctx.timeout(),
                    () -> ctx.cluster().followerHealth(leader), health -> {
                        ClusterStatus.Peer peer = health.followers().get(follower);
                        return peer != null && ClusterOps.healthy(peer);
                    });
        }
        Rows rows = ctx.rows();
        Set<String> leaderRows = rows.markers(leader);
        Wait.until(follower + " to hold exactly the leader's " + leaderRows.size() + " rows", Wait.HTTP_POLL, ctx.timeout(),
                () -> new Rows.Holding(follower, leaderRows, rows.markers(follower)), h -> h.complete() && h.seen().size() == leaderRows.size());
        ctx.figure("snapshot install", SnapshotSettings.assertInstalled(ctx.target().logs(follower, false), follower));
        List<String> after = new ArrayList<>();
        for (int i = 1; i <= ROWS_AFTER_RETURN; i++) {
            after.add(String.format("%s-after-return-%02d", ctx.runId(), i));
        }
        rows.insertAllAcknowledged(leader, after, name(), ctx.timeout());
        Wait.until(follower + " to receive the " + ROWS_AFTER_RETURN + " rows written after it came back", Wait.HTTP_POLL,
                ctx.timeout(), () -> new Rows.Holding(follower, Set.copyOf(after), rows.markers(follower)), Rows.Holding::complete);
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaSnapshotRecovery(), args));
    }
}
