package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleTest {

    static String addBody(ClusterSimulator sim, int i) {
        String id = sim.peerId(i);
        return "{\"peerId\":\"" + id + "\",\"address\":\"" + id.substring(0, id.lastIndexOf('_')) + ":2434\"}";
    }

    @Test
    void newNodesAutoJoinOn2681() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            List<String> events = new CopyOnWriteArrayList<>();
            sim.addListener(new NodeListener() {
                @Override
                public void nodeAdded(int ordinal, int httpPort) {
                    events.add("added-" + ordinal);
                }

                @Override
                public void nodeStarted(int ordinal, int httpPort) {
                    events.add("started-" + ordinal);
                }
            });
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "s", 4);
            sim.scaleTo(5);
            assertEquals(5, sim.size());
            assertTrue(events.containsAll(List.of("added-3", "added-4", "started-3", "started-4")), events.toString());
            assertTrue(sim.httpPort(4) > 0);
            SimClient.await(Duration.ofSeconds(1), "new node online", () -> c.get(3, "/api/v1/cluster").status() == 200);
            assertTrue(c.cluster(3).get("leaderId").isNull(), "not a member yet");
            for (int i = 0; i < 5; i++) {
                assertEquals(5, c.cluster(i).get("peers").size(), "every server list widened");
            }
            SimClient.await(Duration.ofSeconds(3), "joined", () -> sim.members().size() == 5);
            assertEquals(leader, c.awaitAgreedLeader(Duration.ofSeconds(3)));
            SimClient.await(Duration.ofSeconds(3), "caught up", () -> sim.rowCount(3, "s", "Doc") == 4 && sim.rowCount(4, "s", "Doc") == 4);
            SimClient.await(Duration.ofSeconds(3), "health fields for the new peers",
                    () -> "HEALTHY".equals(c.statusOf(leader, 3)) && "HEALTHY".equals(c.statusOf(leader, 4)));
            assertTrue(sim.log(leader).stream().anyMatch(l -> l.contains("Peer " + sim.peerId(3) + " added to Raft cluster at")));
            sim.killNode(1);
            sim.killNode(2);
            assertEquals(200, c.command(3, "s", "INSERT INTO Doc SET name = 'three-of-five'").status(), "3 of 5 is a majority");
        }
    }

    @Test
    void newNodesStayOutsideOn2673UntilAddPeer() {
        try (ClusterSimulator sim = ClusterSimulator.builder().version("26.7.3").timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "s", 2);
            sim.scaleTo(4);
            SimClient.sleep(1200);
            assertFalse(sim.isMember(3));
            assertTrue(c.cluster(3).get("leaderId").isNull());
            assertTrue(sim.log(3).stream().anyMatch(l -> l.contains("K8s auto-join: no existing cluster found")));
            JsonNode entry = c.peerEntry(c.cluster(leader), sim.peerId(3));
            assertEquals("FOLLOWER", entry.get("role").asText());
            assertFalse(entry.has("replicaStatus"), "not in the configuration: no health fields");
            assertEquals(0, sim.rowCount(3, "s", "Doc"));

            SimClient.Res missing = c.post(leader, "/api/v1/cluster/peer", "{\"peerId\":\"\",\"address\":\"\"}");
            assertEquals(400, missing.status());
            assertEquals("Missing required fields: peerId, address", missing.json().get("error").asText());
            SimClient.Res add = c.post(leader, "/api/v1/cluster/peer", addBody(sim, 3));
            assertEquals(200, add.status(), add.body());
            assertEquals("Peer " + sim.peerId(3) + " added", add.json().get("result").asText());
            assertEquals(200, c.post(1, "/api/v1/cluster/peer", addBody(sim, 3)).status(), "idempotent for members");
            assertEquals(leader, c.awaitAgreedLeader(Duration.ofSeconds(3)));
            SimClient.await(Duration.ofSeconds(2), "caught up", () -> sim.rowCount(3, "s", "Doc") == 2);
            SimClient.await(Duration.ofSeconds(2), "health fields", () -> c.statusOf(leader, 3) != null);
        }
    }

    @Test
    void scaleDownKeepsMembersUntilTheyAreRemoved() {
        try (ClusterSimulator sim = ClusterSimulator.builder().nodes(5).timings(Timings.fast())
                .setting("arcadedb.ha.logVerbose", "1").build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            assertEquals(0, leader);
            // the start-up auto-join probe of every pod has run (else it would re-add a peer removed below, as 26.8.1 does)
            SimClient.await(Duration.ofSeconds(2), "auto-join probes done", () -> java.util.stream.IntStream.range(0, 5)
                    .allMatch(i -> sim.log(i).stream().anyMatch(l -> l.contains("K8s auto-join: already a member"))));
            sim.scaleTo(3);
            assertFalse(sim.isRunning(3));
            assertFalse(sim.isRunning(4));
            assertEquals(5, sim.members().size(), "stopped pods stay members");
            assertEquals(200, c.write(leader, null, "create database d").status(), "3 of 5 still a majority");

            SimClient.Res removed = c.delete(1, "/api/v1/cluster/peer/" + sim.peerId(4));
            assertEquals(200, removed.status(), removed.body());
            assertEquals("Peer " + sim.peerId(4) + " removed", removed.json().get("result").asText());
            assertEquals(4, sim.members().size());
            assertTrue(sim.log(leader).stream().anyMatch(l -> l.contains("Peer " + sim.peerId(4) + " removed from Raft cluster")));
            assertFalse(c.peerEntry(c.cluster(leader), sim.peerId(4)).has("replicaStatus"), "removed peer keeps showing, without health");

            SimClient.Res unknown = c.delete(0, "/api/v1/cluster/peer/" + sim.peerId(4));
            assertEquals(409, unknown.status());
            assertEquals("Peer " + sim.peerId(4) + " not found in cluster", unknown.json().get("error").asText());
            assertEquals(200, c.delete(0, "/api/v1/cluster/peer/" + sim.peerId(3)).status());
            assertEquals(200, c.delete(0, "/api/v1/cluster/peer/" + sim.peerId(2)).status(), "3 -> 2 allowed");
            SimClient.Res guard = c.delete(0, "/api/v1/cluster/peer/" + sim.peerId(1));
            assertEquals(409, guard.status(), "2 -> 1 refused by the quorum guard");
            assertEquals(2, sim.members().size());
            SimClient.await(Duration.ofSeconds(2), "removed running node forgets the leader", () -> c.cluster(2).get("leaderId").isNull());

            sim.scaleTo(5);
            assertTrue(sim.isRunning(4));
            SimClient.await(Duration.ofSeconds(3), "26.8.1 re-adds removed pods on start", () -> sim.isMember(3) && sim.isMember(4));
            assertNotEquals(null, sim.leaderOrdinal());
        }
    }
}
