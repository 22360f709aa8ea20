package ha.phases;

import ha.check.ClusterOps;
import ha.check.Rows;
import ha.core.Node;
import ha.core.PhaseFailure;
import ha.support.Leftovers;
import ha.support.standin.StandIn;
import ha.target.local.LocalOptions;
import ha.target.local.LocalTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What decides whether a wiped follower comes back by a snapshot install, against stand-in processes that model
 * Ratis' log (reference §5.3): a snapshot every snapshotThreshold entries, a purge only logPurgeGap entries past the
 * last one and only of whole closed segments of logSegmentSize bytes. The phase's own assertion judges the
 * follower's log.
 */
class SnapshotInstallStandInTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Twice the snapshot threshold plus the purge gap and ten, as the phase writes with these settings. */
    private static final int ROWS = 2 * 20 + 5 + 10;

    @TempDir
    Path tmp;

    @Test
    void aSegmentTooLargeToRollKeepsTheLogStartSoTheWipedFollowerReplaysAndThePhaseFails() {
        Run run = wipeAFollowerAfterPayloadRows("8MB");
        assertTrue(run.leaderLog().contains("Snapshot taken at index"), "the threshold was passed: " + run.leaderLog());
        assertFalse(run.leaderLog().contains("Purged log entries"), "no segment rolled, so nothing may be purged: " + run.leaderLog());
        assertFalse(run.followerLog().contains("HA resync started (mode=snapshot"), run.followerLog());
        PhaseFailure failure = assertThrows(PhaseFailure.class,
                () -> ha.check.SnapshotSettings.assertInstalled(run.followerLog(), run.follower()));
        assertTrue(failure.getMessage().startsWith("could not force a snapshot install: " + run.follower() + " caught up without one; "
                + "its log shows no snapshot or resync line (it replayed the leader's log)"), failure.getMessage());
    }

    @Test
    void rolledSegmentsArePurgedSoTheWipedFollowerIsSnapshotInstalled() {
        Run run = wipeAFollowerAfterPayloadRows("256KB");
        assertTrue(run.leaderLog().contains("Purged log entries 1-"), "closed segments past the snapshot are purged: " + run.leaderLog());
        String line = ha.check.SnapshotSettings.assertInstalled(run.followerLog(), run.follower());
        assertTrue(line.startsWith("HA resync started (mode=snapshot, reason=leader snapshot install): firstLogIndex="), line);
        assertTrue(run.followerLog().contains("Installing snapshot for database 'snapshot-test' from leader 127.0.0.1:"), run.followerLog());
        assertTrue(run.followerLog().contains("HA resync finished (mode=snapshot, result=ok)"), run.followerLog());
    }

    private record Run(Node follower, String followerLog, String leaderLog) {
    }

    /** Three stand-ins with the given segment size; payload rows through the leader; a follower wiped and caught up. */
    private Run wipeAFollowerAfterPayloadRows(String segmentSize) {
        Path work = tmp.resolve("work");
        LocalOptions options = StandIn.options(work, 3);
        options.serverSettings.put("arcadedb.ha.snapshotThreshold", "20");
        options.serverSettings.put("arcadedb.ha.logPurgeGap", "5");
        options.serverSettings.put("arcadedb.ha.logSegmentSize", segmentSize);
        LocalTarget target = LocalTarget.start(options, Map.of("HA_ROOT_PASSWORD", "stand-in-Secret-42"), null);
        try {
            target.awaitRollout(TIMEOUT);
            ClusterOps cluster = new ClusterOps(target);
            Rows rows = new Rows(target, "snapshot-test");
            Node leader = cluster.awaitLeader("one leader", TIMEOUT);
            rows.ensureSchema(leader, TIMEOUT);
            List<String> markers = new ArrayList<>();
            for (int i = 1; i <= ROWS; i++) {
                markers.add(String.format("snap-%03d", i));
            }
            rows.insertAllAcknowledged(leader, markers, "test", ha.check.SnapshotSettings.PAYLOAD_CHARS, TIMEOUT);
            Node follower = target.nodes().stream().filter(n -> !n.equals(leader)).reduce((a, b) -> b).orElseThrow();
            String before = target.incarnation(follower);
            target.deleteNode(follower, true);
            target.awaitReplacement(follower, before, TIMEOUT);
            rows.awaitOnEveryNode(new LinkedHashSet<>(markers), TIMEOUT);
            assertEquals(rows.markers(leader), rows.markers(follower), "the wiped follower holds exactly the leader's rows");
            return new Run(follower, target.logs(follower, false), target.logs(leader, false));
        } finally {
            target.close();
            assertEquals(List.of(), Leftovers.processesUsing(work), "no server process may outlive close()");
        }
    }
}
