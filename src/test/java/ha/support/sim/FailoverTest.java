package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverTest {

    static void seed(SimClient c, int leader, String db, int rows) {
        assertEquals(200, c.write(leader, null, "create database " + db).status());
        assertEquals(200, c.command(leader, db, "CREATE DOCUMENT TYPE Doc IF NOT EXISTS").status());
        for (int i = 0; i < rows; i++) {
            assertEquals(200, c.command(leader, db, "INSERT INTO Doc SET name = 'row-" + i + "', i = " + i).status());
        }
    }

    @Test
    void killedLeaderIsNamedUntilDetectionThenASuccessorTakesOverAndTheOldOneCatchesUp() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            seed(c, leader, "f", 3);
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(2, "f", "Doc") == 3);

            long t0 = System.nanoTime();
            sim.killNode(leader);
            assertFalse(sim.isRunning(leader));
            UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> c.get(leader, "/api/v1/health"));
            assertTrue(refused.getCause() instanceof ConnectException, refused.toString());
            assertEquals(sim.peerId(leader), c.cluster(1).get("leaderId").asText(), "followers still name the dead leader");
            assertEquals(null, sim.leaderOrdinal());

            int next = c.awaitAgreedLeader(Duration.ofSeconds(3));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNotEquals(leader, next);
            assertTrue(ms >= 450, "detected after the failover timing, took " + ms + " ms");
            assertTrue(sim.log(next).stream().anyMatch(l -> l.contains("This node is now LEADER")));
            c.awaitWritableLeader();
            int other = 3 - next - leader;
            assertEquals(200, c.write(other, "f", "INSERT INTO Doc SET name = 'after-failover'").status());

            SimClient.await(Duration.ofSeconds(3), "dead peer STALLED on 26.8.1", () -> "STALLED".equals(c.statusOf(next, leader)));
            JsonNode dead = c.peerEntry(c.cluster(next), sim.peerId(leader));
            assertTrue(dead.get("lastContactMs").asLong() > 400 || dead.get("lastContactMs").asLong() == -1, dead.toString());
            assertEquals("lagging-followers", c.cluster(next).get("alerts").get(0).get("id").asText());

            sim.startNode(leader, false);
            SimClient.await(Duration.ofSeconds(3), "old leader caught up", () -> sim.rowCount(leader, "f", "Doc") == 4);
            assertEquals(next, c.awaitAgreedLeader(Duration.ofSeconds(2)));
            SimClient.await(Duration.ofSeconds(3), "old leader HEALTHY", () -> "HEALTHY".equals(c.statusOf(next, leader)));
            assertTrue(sim.log(leader).stream().anyMatch(l -> l.contains("This node is now REPLICA")));
            assertFalse(sim.log(leader).stream().anyMatch(l -> l.contains("mode=snapshot")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"26.7.3", "26.8.1"})
    void deadFollowerStatusDependsOnTheVersion(String version) {
        try (ClusterSimulator sim = ClusterSimulator.builder().version(version).timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            SimClient.await(Duration.ofSeconds(2), "HEALTHY", () -> "HEALTHY".equals(c.statusOf(leader, 2)));
            sim.killNode(2);
            if (version.startsWith("26.7")) {
                SimClient.sleep(1500);
                assertEquals("HEALTHY", c.statusOf(leader, 2), "26.7.3 keeps a dead follower HEALTHY while its lag is small");
            } else {
                SimClient.await(Duration.ofSeconds(3), "STALLED", () -> "STALLED".equals(c.statusOf(leader, 2)));
            }
        }
    }

    @Test
    void withoutAMajorityWritesFailAndNoLeaderRemains() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            seed(c, leader, "q", 1);
            sim.killNode(1);
            sim.killNode(2);
            SimClient.Res r = c.command(leader, "q", "INSERT INTO Doc SET name = 'no-quorum'");
            assertEquals(503, r.status(), r.body());
            assertEquals("com.arcadedb.network.binary.QuorumNotReachedException", r.json().get("exception").asText());
            assertEquals("Cannot execute command", r.json().get("error").asText());
            SimClient.await(Duration.ofSeconds(2), "leader stepped down", () -> c.cluster(leader).get("leaderId").isNull());
            assertEquals(null, sim.leaderOrdinal());
            assertEquals(1, sim.rowCount(leader, "q", "Doc"));

            sim.startNode(1, false);
            int back = c.awaitAgreedLeader(Duration.ofSeconds(3));
            assertTrue(back == 0 || back == 1);
            c.awaitWritableLeader();
            assertEquals(200, c.write(back, "q", "INSERT INTO Doc SET name = 'quorum-back'").status());
        }
    }

    @Test
    void followerWithoutALeaderFailsWritesAfterTheForwardWait() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            seed(c, leader, "n", 0);
            SimClient.await(Duration.ofSeconds(2), "type replicated", () -> c.query(1, "n", "SELECT FROM Doc").status() == 200);
            sim.faults().neverElect(true);
            sim.killNode(leader);
            SimClient.await(Duration.ofSeconds(2), "no leader", () -> c.cluster(1).get("leaderId").isNull()
                    && c.cluster(2).get("leaderId").isNull());
            SimClient.Res r = c.command(1, "n", "INSERT INTO Doc SET name = 'orphan'");
            assertEquals(500, r.status());
            assertEquals("Error on transaction commit", r.json().get("error").asText());
            assertTrue(r.millis() >= 1000, "waited for a leader first: " + r.millis());
            SimClient.sleep(700);
            assertTrue(c.cluster(2).get("leaderId").isNull(), "never elected");
            sim.faults().neverElect(false);
            assertNotEquals(leader, c.awaitAgreedLeader(Duration.ofSeconds(3)));
        }
    }

    @Test
    void wipedFollowerReplaysTheLogWhenNothingWasPurged() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            sim.killNode(2);
            seed(c, leader, "w", 20);
            sim.startNode(2, true);
            SimClient.await(Duration.ofSeconds(3), "wiped node replayed", () -> sim.rowCount(2, "w", "Doc") == 20);
            assertFalse(sim.log(2).stream().anyMatch(l -> l.contains("mode=snapshot")), "log replay, no snapshot");
            assertEquals(1, sim.firstLogIndex(leader));
        }
    }

    @Test
    void wipedFollowerInstallsASnapshotWhenTheLeaderPurgedItsLog() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            sim.setSetting("arcadedb.ha.snapshotThreshold", "10");
            sim.setSetting("arcadedb.ha.logPurgeGap", "1");
            sim.setSetting("arcadedb.ha.logSegmentSize", "2KB");
            seed(c, leader, "snap", 5);
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(2, "snap", "Doc") == 5);
            sim.killNode(2);
            for (int i = 5; i < 30; i++) {
                assertEquals(200, c.command(leader, "snap", "INSERT INTO Doc SET name = 'row-" + i + "'").status());
            }
            assertTrue(sim.firstLogIndex(leader) > sim.lastIndex(2) + 1, "leader purged what node 2 needs");
            sim.startNode(2, true);
            SimClient.await(Duration.ofSeconds(3), "snapshot installed", () -> sim.rowCount(2, "snap", "Doc") == 30);
            List<String> log = sim.log(2);
            assertTrue(log.stream().anyMatch(l -> l.contains(
                    "HA resync started (mode=snapshot, reason=leader snapshot install): firstLogIndex=(t:1, i:" + sim.firstLogIndex(leader) + ")")),
                    log.toString());
            assertTrue(log.stream().anyMatch(l -> l.contains("Acquiring database 'snap' from leader "
                    + sim.httpAddress(leader) + "...")));
            assertTrue(log.stream().anyMatch(l -> l.matches(".*HA resync finished \\(mode=snapshot, result=ok\\): snapshotIndex=\\d+")));
            assertTrue(sim.log(leader).stream().anyMatch(l -> l.contains("Serving database snapshot for 'snap'...")));

            assertEquals(200, c.command(leader, "snap", "INSERT INTO Doc SET name = 'after-snapshot'").status());
            SimClient.await(Duration.ofSeconds(2), "log replay after the snapshot", () -> sim.rowCount(2, "snap", "Doc") == 31);
            SimClient.await(Duration.ofSeconds(2), "identical", () -> "ALL_CONSISTENT".equals(
                    c.post(leader, "/api/v1/cluster/verify/snap", "{}").json().get("result").get("overallStatus").asText()));
        }
    }

    @Test
    void restartedFollowerWithStateAlsoNeedsASnapshotWhenItFellBehindThePurge() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast())
                .setting("arcadedb.ha.snapshotThreshold", "5").setting("arcadedb.ha.logPurgeGap", "1")
                .setting("arcadedb.ha.logSegmentSize", "1KB").build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            seed(c, leader, "keep", 3);
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(1, "keep", "Doc") == 3);
            sim.killNode(1);
            for (int i = 0; i < 12; i++) {
                assertEquals(200, c.command(leader, "keep", "INSERT INTO Doc SET name = 'more-" + i + "'").status());
            }
            assertEquals(3, sim.rowCount(1, "keep", "Doc"), "a killed node keeps its data");
            sim.startNode(1, false);
            SimClient.await(Duration.ofSeconds(3), "caught up", () -> sim.rowCount(1, "keep", "Doc") == 15);
            assertTrue(sim.log(1).stream().anyMatch(l -> l.contains("HA resync finished (mode=snapshot, result=ok)")));
            assertTrue(sim.log(1).stream().anyMatch(l -> l.contains("Installing snapshot for database 'keep' from leader ")),
                    "a node that has the database installs a snapshot of it");
        }
    }

    @Test
    void withoutAClosedLogSegmentNothingIsPurgedAndAWipedFollowerReplaysTheLog() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast())
                .setting("arcadedb.ha.snapshotThreshold", "10").setting("arcadedb.ha.logPurgeGap", "1").build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            seed(c, leader, "seg", 5);
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(2, "seg", "Doc") == 5);
            sim.killNode(2);
            for (int i = 5; i < 40; i++) {
                assertEquals(200, c.command(leader, "seg", "INSERT INTO Doc SET name = 'row-" + i + "'").status());
            }
            assertEquals(0, sim.closedLogSegments(), "40 small rows never fill the default 64MB segment");
            assertEquals(1, sim.firstLogIndex(leader), "snapshots were taken, but Ratis purges only closed segments");
            sim.startNode(2, true);
            SimClient.await(Duration.ofSeconds(3), "wiped node replayed", () -> sim.rowCount(2, "seg", "Doc") == 40);
            assertFalse(sim.log(2).stream().anyMatch(l -> l.contains("mode=snapshot") || l.contains("Installing snapshot")),
                    "log replay, no snapshot-install lines");
        }
    }

    @Test
    void segmentsRollWithTheBytesWrittenNotTheNumberOfEntries() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast())
                .setting("arcadedb.ha.logSegmentSize", "64KB").build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            seed(c, leader, "bytes", 20);
            assertEquals(0, sim.closedLogSegments(), "20 small rows stay in the first 64 KB segment");
            String payload = "x".repeat(10_000);
            for (int i = 0; i < 20; i++) {
                assertEquals(200, c.command(leader, "bytes", "INSERT INTO Doc SET name = 'big-" + i + "', payload = '" + payload + "'").status());
            }
            int closed = sim.closedLogSegments();
            assertTrue(closed >= 2 && closed <= 3, "about 200 KB of rows close 3 segments of 64 KB, saw " + closed);
        }
    }

    @Test
    void aKilledLeaderRestartedAtOnceWinsTheNextElectionInAHigherTerm() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            moveLeadershipTo(c, sim, 2);
            seed(c, 2, "re", 3);
            long term = sim.term();
            long survivorElections = c.cluster(1).get("electionCount").asLong();

            sim.killNode(2);
            sim.startNode(2, false);
            SimClient.await(Duration.ofSeconds(3), "a leader in a higher term", () -> sim.term() > term && sim.leaderOrdinal() != null);
            assertEquals(2, c.awaitAgreedLeader(Duration.ofSeconds(3)), "the restarted node won again (as on 26.8.1)");
            assertTrue(sim.log(1).stream().anyMatch(l -> l.contains("Leader elected: test-arcadedb-2") && l.contains("(term=" + sim.term() + ")")),
                    sim.log(1).toString());
            assertTrue(c.cluster(1).get("electionCount").asLong() >= survivorElections + 2,
                    "the survivor was told 'leader unknown' and then the new term's leader");
            c.awaitWritableLeader();
            assertEquals(200, c.command(2, "re", "INSERT INTO Doc SET name = 'after'").status());
        }
    }

    @Test
    void withTheSettingOffTheLongestLogAndLowestOrdinalWinsInstead() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast())
                .setting("sim.restartedLeaderWins", "false").build()) {
            SimClient c = new SimClient(sim);
            c.awaitWritableLeader();
            moveLeadershipTo(c, sim, 2);
            seed(c, 2, "off", 3);
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(0, "off", "Doc") == 3 && sim.lastIndex(0) == sim.lastIndex(2));
            long term = sim.term();
            sim.killNode(2);
            sim.startNode(2, false);
            SimClient.await(Duration.ofSeconds(3), "a leader in a higher term", () -> sim.term() > term && sim.leaderOrdinal() != null);
            assertEquals(0, c.awaitAgreedLeader(Duration.ofSeconds(3)));
        }
    }

    @Test
    void aLeaderBackOnlyAfterTheElectionDoesNotTakeOver() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            c.awaitWritableLeader();
            moveLeadershipTo(c, sim, 2);
            sim.killNode(2);
            int next = c.awaitAgreedLeader(Duration.ofSeconds(3));
            assertNotEquals(2, next);
            sim.startNode(2, false);
            SimClient.await(Duration.ofSeconds(3), "old leader back as a follower",
                    () -> sim.log(2).stream().anyMatch(l -> l.contains("This node is now REPLICA")));
            assertEquals(next, c.awaitAgreedLeader(Duration.ofSeconds(2)));
        }
    }

    private static void moveLeadershipTo(SimClient c, ClusterSimulator sim, int target) {
        int leader = c.awaitWritableLeader();
        if (leader != target) {
            assertEquals(200, c.post(leader, "/api/v1/cluster/leader", TransferTest.transferBody(sim.peerId(target), 5000)).status());
        }
        assertEquals(target, c.awaitAgreedLeader(Duration.ofSeconds(3)));
        c.awaitWritableLeader();
    }
}
