package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restart window: a started node answers HTTP before its HA plugin has started, and a command sent to it then is
 * committed on its own database only (seen on real 26.8.1 servers, arcadedb-local-processes.md "The restart window").
 */
class RestartWindowTest {
    private static final String DB = "win";
    /** Long enough for a test to send requests into the window on a busy machine, short enough for a quick test. */
    private static final Duration WINDOW = Duration.ofMillis(2000);

    private static ClusterSimulator cluster(Timings timings, String... settings) {
        ClusterSimulator.Builder b = ClusterSimulator.builder().timings(timings).setting("arcadedb.server.readinessRequiresHA", "true");
        for (int i = 0; i < settings.length; i += 2) {
            b.setting(settings[i], settings[i + 1]);
        }
        return b.build();
    }

    private static void createDatabase(SimClient c, int leader) {
        assertEquals(200, c.write(leader, null, "create database " + DB).status());
        assertEquals(200, c.write(leader, DB, "CREATE DOCUMENT TYPE Doc").status());
        SimClient.await(Duration.ofSeconds(5), "the type on every node", () -> {
            for (int i = 0; i < c.sim.size(); i++) {
                if (c.query(i, DB, "SELECT FROM Doc").status() != 200) {
                    return false;
                }
            }
            return true;
        });
    }

    private static Set<String> markers(SimClient c, int node) {
        SimClient.Res r = c.query(node, DB, "SELECT marker FROM Doc");
        assertEquals(200, r.status(), r.body());
        Set<String> out = new TreeSet<>();
        for (JsonNode row : r.json().get("result")) {
            out.add(row.get("marker").asText());
        }
        return out;
    }

    private static SimClient.Res insert(SimClient c, int node, String marker) {
        return c.command(node, DB, "INSERT INTO Doc SET marker = '" + marker + "'");
    }

    private static SimClient.Res ready(SimClient c, int node) {
        return c.send(node, "GET", "/api/v1/ready", null, null, null);
    }

    private static void awaitOnEveryNode(SimClient c, String marker) {
        SimClient.await(Duration.ofSeconds(10), marker + " on every node", () -> {
            for (int i = 0; i < c.sim.size(); i++) {
                if (!markers(c, i).contains(marker)) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void aRestartedFollowerAcknowledgesWritesInItsWindowThatTheClusterNeverSees() {
        try (ClusterSimulator sim = cluster(Timings.fast().withHaStartDelay(WINDOW))) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            int follower = (leader + 1) % 3;
            int other = (leader + 2) % 3;
            createDatabase(c, leader);

            sim.killNode(follower);
            for (String m : List.of("while-down-1", "while-down-2", "while-down-3")) {
                assertEquals(200, insert(c, leader, m).status());
            }
            sim.startNode(follower, false);

            assertEquals(204, c.get(follower, "/api/v1/health").status());
            SimClient.Res notReady = ready(c, follower);
            assertEquals(503, notReady.status());
            assertEquals("Server not started yet", notReady.body());
            JsonNode status = c.cluster(follower);
            assertEquals("NEW", status.get("raftState").asText());
            assertTrue(status.get("leaderId").isNull(), status.toString());
            assertFalse(status.get("isLeader").asBoolean());

            SimClient.Res inWindow = insert(c, follower, "in-window");
            assertEquals(200, inWindow.status(), inWindow.body());
            assertEquals("in-window", inWindow.json().get("result").get(0).get("marker").asText());
            assertEquals(503, ready(c, follower).status(), "the insert was answered before the node was ready");
            assertTrue(markers(c, follower).contains("in-window"), "committed on the restarted node's own database");
            SimClient.await(Duration.ofSeconds(2), "raftState STARTING in the window's second half",
                    () -> "STARTING".equals(c.cluster(follower).get("raftState").asText()) && ready(c, follower).status() == 503);

            SimClient.await(Duration.ofSeconds(10), "the restarted follower ready", () -> ready(c, follower).status() == 204);
            assertEquals(200, insert(c, follower, "after-ready").status());
            awaitOnEveryNode(c, "after-ready");

            assertFalse(markers(c, leader).contains("in-window"), "never replicated to the leader");
            assertFalse(markers(c, other).contains("in-window"), "never replicated to the other follower");
            assertTrue(markers(c, follower).contains("in-window"), "the restarted follower keeps it (diverged)");
            Set<String> leaderRows = markers(c, leader);
            Set<String> followerRows = markers(c, follower);
            assertEquals(leaderRows.size(), followerRows.size(), "same row count, different rows: " + leaderRows + " vs " + followerRows);
            assertFalse(followerRows.contains("while-down-1"),
                    "the follower's page was one version ahead, so it took the leader's first insert as applied");
            assertTrue(followerRows.containsAll(List.of("while-down-2", "while-down-3", "after-ready")), followerRows.toString());
            assertEquals(leaderRows, markers(c, other));

            List<String> log = sim.log(follower);
            int http = indexOf(log, "HTTP Server started");
            int joined = indexOf(log, "Raft cluster joined: 3 nodes");
            int wrapped = indexOf(log, "Re-wrapped database '" + DB + "' with HA wrapper");
            int plugin = indexOf(log, "Raft HA plugin started successfully");
            assertTrue(http < joined && joined < wrapped && wrapped < plugin, log.toString());
            assertTrue(log.stream().noneMatch(l -> l.contains("WAL version gap")), "a follower ahead of the leader's page notices nothing");
            assertTrue(sim.internalErrors().isEmpty(), sim.internalErrors().toString());
        }
    }

    /** The last line of the node's latest incarnation that contains {@code text}. */
    private static int indexOf(List<String> log, String text) {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aReElectedLeaderMakesItsFollowersReinstallItsCopyWindowRowsIncluded() {
        Timings f = Timings.fast();
        // the window ends well before the failover detection, so the restarted leader is back in time to win again
        Timings t = new Timings(f.electionDelay(), f.transferDelay(), f.leaderNullWindow(), f.unknownWindow(), f.replicationDelay(),
                f.statusTick(), Duration.ofMillis(3000), f.joinDelay(), f.snapshotInstallDelay(), Duration.ofMillis(1000));
        try (ClusterSimulator sim = cluster(t)) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            createDatabase(c, leader);
            assertEquals(200, insert(c, leader, "before").status());
            awaitOnEveryNode(c, "before");

            sim.killNode(leader);
            sim.startNode(leader, false);
            assertEquals(200, insert(c, leader, "in-window").status());
            SimClient.await(Duration.ofSeconds(3), "HA started, no leader known yet",
                    () -> "Node has not yet joined the Raft group".equals(ready(c, leader).body()));
            SimClient.await(Duration.ofSeconds(10), "the restarted leader ready", () -> ready(c, leader).status() == 204);
            assertEquals(leader, sim.leaderOrdinal().intValue(), "re-elected (sim.restartedLeaderWins)");
            assertEquals(200, c.write(leader, DB, "INSERT INTO Doc SET marker = 'after-ready'").status());
            awaitOnEveryNode(c, "after-ready");
            awaitOnEveryNode(c, "in-window");

            for (int i = 0; i < 3; i++) {
                if (i == leader) {
                    continue;
                }
                List<String> log = sim.log(i);
                int gap = indexOf(log, "WAL version gap on follower - state divergence detected, triggering snapshot resync (db=" + DB);
                int done = indexOf(log, "Snapshot resync completed: reinstalled 1 database(s) from the leader; diverged state cleared");
                assertTrue(gap >= 0 && done > gap, log.toString());
                assertEquals(markers(c, leader), markers(c, i));
            }
            assertTrue(sim.internalErrors().isEmpty(), sim.internalErrors().toString());
        }
    }

    @Test
    void withTheWindowSwitchedOffAWriteWaitsForHaAndIsReplicated() {
        try (ClusterSimulator sim = cluster(Timings.fast().withHaStartDelay(Duration.ofMillis(500)), "sim.haStartWindow", "false")) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            int follower = (leader + 1) % 3;
            createDatabase(c, leader);
            sim.restartNode(follower, false);
            assertEquals("Server not started yet", ready(c, follower).body());
            SimClient.Res w = insert(c, follower, "sent-early");
            assertEquals(200, w.status(), w.body());
            awaitOnEveryNode(c, "sent-early");
        }
    }

    @Test
    void theColdStartHasTheWindowToo() {
        try (ClusterSimulator sim = cluster(Timings.realistic())) {
            SimClient c = new SimClient(sim);
            JsonNode status = c.cluster(2);
            assertEquals("NEW", status.get("raftState").asText());
            assertEquals("Server not started yet", ready(c, 2).body());
            assertTrue(sim.log(2).stream().noneMatch(l -> l.contains("Raft HA plugin started successfully")), sim.log(2).toString());
        }
    }
}
