///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase snapshot-recovery: a follower whose state is destroyed comes back by a snapshot install, holds the leader's rows and keeps receiving new ones.
package ha.scripts;

import ha.check.SnapshotSettings;
import ha.core.Log;
import ha.core.Node;
import ha.nemesis.Crash;
import ha.nemesis.Fault;
import ha.nemesis.FaultContext;
import ha.run.Cli;
import ha.run.DisruptivePhase;
import ha.run.PhaseContext;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = "ha-snapshot-recovery", description = {HaSnapshotRecovery.PURPOSE, "",
            "Ratis purges only whole closed log segments, so with a small log segment (arcadedb.ha.logSegmentSize), a low "
                + "snapshot threshold and purge gap (chart values ha.logSegmentSize, ha.snapshotThreshold, ha.logPurgeGap) "
                + "the phase writes rows with a payload until several segments have rolled past the threshold and the start "
                + "of the log is gone; then it destroys a follower's state (its pod and volume claims, or its data folder). "
                + "The follower can only come back by a snapshot install: the phase asserts the install in its log (failing "
                + "with \"could not force a snapshot install\" otherwise), that the leader reports it HEALTHY, that it holds "
                + "exactly the leader's rows, that rows written after its return reach it, and then the cluster invariants "
                + "and the checker's verdict. Skipped when the install does not set the three values."})
public class HaSnapshotRecovery extends DisruptivePhase<Crash> {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaSnapshotRecovery(), args));
    }

    static final String PURPOSE = "a follower whose state is destroyed comes back by a snapshot install, holds the leader's rows "
            + "and keeps receiving new ones";
    private static final int ROWS_AFTER_RETURN = 5;

    private SnapshotSettings settings;

    public HaSnapshotRecovery() {
        super(Crash.NODES_NEEDED, null, "after the snapshot-install recovery");
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
        ctx.insertAllAcknowledged(leader, ctx.markers("snap", rows), SnapshotSettings.PAYLOAD_CHARS);
    }

    @Override
    protected Crash newFault(PhaseContext ctx) {
        return Crash.wiping(Fault.Pick.LAST_FOLLOWER);
    }

    /** The wiped follower is HEALTHY, holds exactly the leader's rows by a snapshot install, and receives new rows. */
    @Override
    protected void afterHeal(PhaseContext ctx, FaultContext fc) {
        Node follower = fault().node();
        ctx.figure("replacement ready after", Log.seconds(fault().sinceApplied()));
        Node leader = ctx.awaitLeader();
        if (ctx.version().reportsReplicaStatus()) {
            ctx.awaitFollowerHealthy(leader, follower);
        }
        ctx.awaitSameRowsAs(leader, follower);
        ctx.figure("snapshot install", SnapshotSettings.assertInstalled(ctx.target().logs(follower, false), follower));
        List<String> after = ctx.markers("after-return", ROWS_AFTER_RETURN);
        ctx.insertAllAcknowledged(leader, after);
        ctx.awaitOn(follower, Set.copyOf(after), "the " + ROWS_AFTER_RETURN + " rows written after it came back");
    }
}
