package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferTest {

    static String transferBody(String peerId, long timeoutMs) {
        return "{\"peerId\":\"" + peerId + "\",\"timeoutMs\":" + timeoutMs + "}";
    }

    @Test
    void targetedTransferMovesLeadershipThroughAShortNullWindow() throws Exception {
        Timings f = Timings.fast();
        Timings t = new Timings(f.electionDelay(), f.transferDelay(), Duration.ofMillis(150), f.unknownWindow(),
                f.replicationDelay(), f.statusTick(), f.failoverDetection(), f.joinDelay(), f.snapshotInstallDelay());
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(t).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            String target = sim.peerId(2);

            List<String> seen = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread poller = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        JsonNode j = c.cluster(1);
                        String id = j.get("leaderId").isNull() ? "null" : j.get("leaderId").asText();
                        if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(id)) {
                            seen.add(id);
                        }
                    } catch (RuntimeException e) {
                        // keep polling
                    }
                }
            });
            poller.start();
            SimClient.Res r = c.post(leader, "/api/v1/cluster/leader", transferBody(target, 5000));
            assertEquals(200, r.status(), r.toString());
            assertTrue(r.millis() >= 180, "answers after the transfer delay: " + r.millis());
            assertEquals("Leadership transferred to " + target, r.json().get("result").asText());
            assertEquals(target, r.json().get("leaderId").asText());
            assertEquals(2, c.awaitAgreedLeader(Duration.ofSeconds(2)));
            SimClient.await(Duration.ofSeconds(1), "poller saw the new leader", () -> seen.contains(target));
            stop.set(true);
            poller.join();
            assertEquals(List.of(sim.peerId(0), "null", target), seen, "old leader, null window, new leader");
            assertTrue(sim.log(0).stream().anyMatch(l -> l.contains("Transferring leadership to " + target + " (timeout=5000 ms)")));
            assertTrue(sim.log(0).stream().anyMatch(l -> l.contains("Leadership transferred to " + target)));
            assertTrue(sim.log(2).stream().anyMatch(l -> l.contains("This node is now LEADER")));
            assertTrue(sim.log(1).stream().anyMatch(l -> l.contains("Leader changed: test-arcadedb-0") && l.contains("(term=2)")));

            JsonNode l2 = c.cluster(2);
            assertTrue(l2.get("isLeader").asBoolean());
            for (JsonNode p : l2.get("peers")) {
                if (!p.get("id").asText().equals(target)) {
                    assertEquals("UNKNOWN", p.get("replicaStatus").asText(), "follower state is cleared after a leader change");
                }
            }
            c.awaitWritableLeader();
            assertEquals(200, c.write(2, null, "create database after-transfer").status());
        }
    }

    @Test
    void bodyValidationOn2681() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            SimClient.Res missing = c.send(leader, "POST", "/api/v1/cluster/leader", null, c.auth, null);
            assertEquals(400, missing.status());
            assertTrue(missing.json().get("error").asText().startsWith("Missing request body"), missing.body());

            SimClient.Res unknown = c.post(leader, "/api/v1/cluster/leader", "{\"peerId\":\"" + sim.peerId(1) + "\",\"force\":true}");
            assertEquals(400, unknown.status());
            assertTrue(unknown.json().get("error").asText().startsWith("Unknown field 'force'"), unknown.body());

            SimClient.Res badPeer = c.post(leader, "/api/v1/cluster/leader", transferBody("nobody_2434", 1000));
            assertEquals(500, badPeer.status());
            assertEquals("Internal error", badPeer.json().get("error").asText());
            assertEquals("com.arcadedb.exception.ConfigurationException", badPeer.json().get("exception").asText());

            SimClient.Res onFollower = c.post(1, "/api/v1/cluster/leader", "{}");
            assertEquals(500, onFollower.status());
            assertEquals("Leadership transfer failed", onFollower.json().get("error").asText());

            SimClient.Res untargeted = c.post(leader, "/api/v1/cluster/leader", "{}");
            assertEquals(200, untargeted.status(), untargeted.body());
            assertEquals("Leadership transferred", untargeted.json().get("result").asText());
            String newLeader = untargeted.json().get("leaderId").asText();
            assertNotEquals(sim.peerId(leader), newLeader);
            assertEquals(newLeader, sim.peerId(c.awaitAgreedLeader(Duration.ofSeconds(2))));

            SimClient.Res stepdown = c.post(sim.leaderOrdinal(), "/api/v1/cluster/stepdown", null);
            assertEquals(200, stepdown.status());
            assertEquals("Leadership step-down initiated", stepdown.json().get("result").asText());
        }
    }

    @Test
    void version2673IgnoresUnknownFieldsAndOmitsLeaderId() {
        try (ClusterSimulator sim = ClusterSimulator.builder().version("26.7.3").timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            SimClient.Res missing = c.send(leader, "POST", "/api/v1/cluster/leader", null, c.auth, null);
            assertEquals(500, missing.status(), "null dereference on 26.7.3");

            SimClient.Res targeted = c.post(leader, "/api/v1/cluster/leader", transferBody(sim.peerId(1), 3000));
            assertEquals(200, targeted.status(), targeted.body());
            assertEquals("Leadership transferred to " + sim.peerId(1), targeted.json().get("result").asText());
            assertFalse(targeted.json().has("leaderId"));
            assertEquals(1, c.awaitAgreedLeader(Duration.ofSeconds(2)));

            SimClient.Res unknownOnly = c.post(1, "/api/v1/cluster/leader", "{\"target\":\"" + sim.peerId(0) + "\"}");
            assertEquals(200, unknownOnly.status(), "unknown key ignored: an untargeted transfer " + unknownOnly.body());
            assertEquals("Leadership transferred", unknownOnly.json().get("result").asText());
            assertFalse(unknownOnly.json().has("leaderId"));
            assertNotEquals(1, c.awaitAgreedLeader(Duration.ofSeconds(2)));
        }
    }
}
