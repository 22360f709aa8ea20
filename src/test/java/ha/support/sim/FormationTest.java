package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FormationTest {

    @Test
    void electsTheLowestOrdinalAfterTheElectionDelayAndEveryNodeLearnsIt() {
        long t0 = System.nanoTime();
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            SimClient.await(Duration.ofSeconds(2), "cluster status answered", () -> c.get(1, "/api/v1/cluster").status() == 200);
            JsonNode early = c.cluster(1);
            assertTrue(early.get("leaderId").isNull(), "no leader before the election: " + early);
            assertTrue(early.get("leaderHttpAddress").isNull());
            assertEquals(0, early.get("electionCount").asInt());
            assertEquals(0, early.get("lastElectionTime").asLong());

            int leader = c.awaitAgreedLeader(Duration.ofSeconds(3));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, leader);
            assertEquals(Integer.valueOf(0), sim.leaderOrdinal());
            assertTrue(ms >= 250, "elected after the election delay, took " + ms + " ms");
            for (int i = 0; i < 3; i++) {
                JsonNode j = c.cluster(i);
                assertEquals(sim.peerId(0), j.get("leaderId").asText());
                assertEquals("test-arcadedb-0.test-arcadedb.default.svc.cluster.local:2480", j.get("leaderHttpAddress").asText());
                assertEquals(i == 0, j.get("isLeader").asBoolean());
                assertTrue(j.get("electionCount").asInt() >= 1);
                assertTrue(j.get("lastElectionTime").asLong() > 0);
            }
            assertEquals("test-arcadedb-2.test-arcadedb.default.svc.cluster.local_2434", sim.peerId(2));
            assertTrue(sim.log(0).stream().anyMatch(l -> l.contains("This node is now LEADER")), "leader log");
            assertTrue(sim.log(0).stream().anyMatch(l -> l.contains("Leader elected: test-arcadedb-0 (") && l.contains("(term=1)")));
            assertTrue(sim.log(0).stream().anyMatch(l -> l.contains("CLUSTER CONFIGURATION (term=1, commitIndex=")));
            assertTrue(sim.log(2).stream().anyMatch(l -> l.contains("This node is now REPLICA (leader: test-arcadedb-0")));
            assertTrue(sim.internalErrors().isEmpty(), sim.internalErrors().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"26.7.3", "26.8.1", "26.9.1-SNAPSHOT"})
    void clusterJsonFieldsFollowTheVersion(String version) {
        try (ClusterSimulator sim = ClusterSimulator.builder().version(version).timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            SimClient.await(Duration.ofSeconds(3), "followers HEALTHY",
                    () -> "HEALTHY".equals(c.statusOf(leader, 1)) && "HEALTHY".equals(c.statusOf(leader, 2)));
            boolean v8 = !version.startsWith("26.7");
            boolean head = version.startsWith("26.9");

            JsonNode l = c.cluster(leader);
            Set<String> top = names(l);
            Set<String> expectedTop = new TreeSet<>(List.of("implementation", "clusterName", "localPeerId", "isLeader", "leaderId",
                    "leaderHttpAddress", "electionCount", "lastElectionTime", "uptime", "peers", "databases", "alerts"));
            if (v8) {
                expectedTop.addAll(List.of("raftState", "leaderReady"));
            }
            assertEquals(expectedTop, top);
            assertEquals("raft", l.get("implementation").asText());
            assertEquals("arcadedb", l.get("clusterName").asText());
            assertEquals(sim.peerId(leader), l.get("localPeerId").asText());
            if (v8) {
                assertEquals("RUNNING", l.get("raftState").asText());
                assertTrue(l.get("leaderReady").asBoolean());
            }
            assertEquals(0, l.get("alerts").size());
            assertEquals(3, l.get("peers").size());
            Set<String> ids = new HashSet<>();
            for (JsonNode p : l.get("peers")) {
                String id = p.get("id").asText();
                ids.add(id);
                assertEquals(id.substring(0, id.lastIndexOf('_')) + ":2434", p.get("address").asText());
                Set<String> expected = new TreeSet<>(List.of("id", "address", "role"));
                if (head) {
                    expected.add("httpAddress");
                    assertEquals(id.substring(0, id.lastIndexOf('_')) + ":2480", p.get("httpAddress").asText());
                }
                if (id.equals(sim.peerId(leader))) {
                    assertEquals("LEADER", p.get("role").asText());
                } else {
                    assertEquals("FOLLOWER", p.get("role").asText());
                    expected.addAll(List.of("matchIndex", "nextIndex", "replicationLag", "lastContactMs", "replicaStatus",
                            "laggingForMs", "lagging"));
                    if (v8) {
                        expected.addAll(List.of("replicationRttMs", "replicationRttP99Ms"));
                    }
                    assertEquals("HEALTHY", p.get("replicaStatus").asText());
                    assertEquals(0, p.get("replicationLag").asLong());
                    assertEquals(p.get("matchIndex").asLong() + 1, p.get("nextIndex").asLong());
                    assertFalse(p.get("lagging").asBoolean());
                }
                assertEquals(expected, names(p), "fields of " + p);
            }
            assertEquals(Set.of(sim.peerId(0), sim.peerId(1), sim.peerId(2)), ids);

            JsonNode f = c.cluster(1);
            assertFalse(f.get("isLeader").asBoolean());
            if (v8) {
                assertFalse(f.get("leaderReady").asBoolean());
            }
            assertEquals(sim.peerId(leader), f.get("leaderId").asText());
            for (JsonNode p : f.get("peers")) {
                assertEquals(head ? Set.of("id", "address", "httpAddress", "role") : Set.of("id", "address", "role"), names(p));
            }

            JsonNode basic = c.get(1, "/api/v1/server?mode=basic").json();
            assertEquals(version + " (build sim)", basic.get("version").asText());
            assertEquals("test-arcadedb-1", basic.get("serverName").asText());
            assertEquals("sql", basic.get("languages").get(0).asText());
            assertEquals("root", basic.get("user").asText());
        }
    }

    @Test
    void followersShowUnknownRightAfterAnElectionThenHealthy() {
        Timings f = Timings.fast();
        // a later election and a longer UNKNOWN window: the first requests of a fresh test JVM took up to 3 s in all
        Timings t = new Timings(Duration.ofMillis(4000), f.transferDelay(), f.leaderNullWindow(), Duration.ofMillis(1500),
                f.replicationDelay(), f.statusTick(), f.failoverDetection(), f.joinDelay(), f.snapshotInstallDelay(), f.haStartDelay());
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(t).build()) {
            SimClient c = new SimClient(sim);
            assertTrue(c.cluster(0).get("leaderId").isNull(), "no leader before the election (and the client is warm)");
            SimClient.await(Duration.ofSeconds(6), "leader", () -> c.cluster(0).get("isLeader").asBoolean());
            JsonNode e = c.peerEntry(c.cluster(0), sim.peerId(1));
            assertEquals("UNKNOWN", e.get("replicaStatus").asText());
            assertEquals(0, e.get("laggingForMs").asLong());
            SimClient.await(Duration.ofSeconds(5), "HEALTHY", () -> "HEALTHY".equals(c.statusOf(0, 1)));
        }
    }

    @Test
    void peersComeInShuffledOrder() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            c.awaitAgreedLeader(Duration.ofSeconds(3));
            Set<List<String>> orders = new HashSet<>();
            for (int k = 0; k < 20; k++) {
                List<String> order = new ArrayList<>();
                c.cluster(k % 3).get("peers").forEach(p -> order.add(p.get("id").asText()));
                assertNotEquals(List.of(sim.peerId(0), sim.peerId(1), sim.peerId(2)), order, "never the server-list order");
                orders.add(order);
            }
            assertTrue(orders.size() > 1, "order varies between calls");
        }
    }

    @Test
    void healthAndReadyAreOpenAndReadyWaitsForStartup() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.realistic()).build()) {
            SimClient c = new SimClient(sim);
            assertEquals(204, c.send(0, "GET", "/api/v1/health", null, null, null).status());
            SimClient.Res notReady = c.send(0, "GET", "/api/v1/ready", null, null, null);
            assertEquals(503, notReady.status());
            assertEquals("Server not started yet", notReady.body());
            SimClient.Res cl = c.get(0, "/api/v1/cluster");
            assertEquals(200, cl.status(), "the HA plugin has its Raft server before it has started it");
            assertEquals("NEW", cl.json().get("raftState").asText());
            assertTrue(cl.json().get("leaderId").isNull(), cl.body());
        }
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast())
                .setting("arcadedb.server.readinessRequiresHA", "true").build()) {
            SimClient c = new SimClient(sim);
            SimClient.await(Duration.ofSeconds(2), "ONLINE",
                    () -> "RUNNING".equals(c.get(1, "/api/v1/cluster").json().get("raftState").asText()));
            SimClient.Res r = c.send(1, "GET", "/api/v1/ready", null, null, null);
            assertEquals(503, r.status(), "HA readiness before the election");
            assertEquals("Node has not yet joined the Raft group", r.body());
            SimClient.await(Duration.ofSeconds(3), "HA-ready", () -> c.send(1, "GET", "/api/v1/ready", null, null, null).status() == 204);
            assertNotNull(sim.leaderOrdinal());
        }
    }

    static Set<String> names(JsonNode o) {
        Set<String> s = new TreeSet<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            s.add(it.next());
        }
        return s;
    }
}
