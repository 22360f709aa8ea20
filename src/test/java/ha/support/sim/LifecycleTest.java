package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LifecycleTest {

    @Test
    void portsAreStableAcrossRestartsAndFreedOnClose() throws Exception {
        List<Integer> ports = new ArrayList<>();
        ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build();
        try {
            SimClient c = new SimClient(sim);
            c.awaitAgreedLeader(Duration.ofSeconds(3));
            for (int i = 0; i < sim.size(); i++) {
                ports.add(sim.httpPort(i));
            }
            for (int round = 0; round < 3; round++) {
                sim.killNode(1);
                assertThrows(UncheckedIOException.class, () -> c.get(1, "/api/v1/health"));
                sim.startNode(1, round % 2 == 0);
                assertEquals(ports.get(1).intValue(), sim.httpPort(1));
                assertEquals(204, c.get(1, "/api/v1/health").status());
            }
            int before = sim.httpRequests(2);
            for (int k = 0; k < 5; k++) {
                c.get(2, "/api/v1/health");
            }
            assertEquals(before + 5, sim.httpRequests(2));
        } finally {
            sim.close();
        }
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, s.getLocalPort());
            }
        }
        SimClient.await(Duration.ofSeconds(3), "simulator threads gone", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("arcadedb-sim")));
    }

    @Test
    void keepAliveServesManyRequestsOnOneConnection() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build();
             Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.httpPort(0))) {
            new SimClient(sim).awaitAgreedLeader(Duration.ofSeconds(3));
            String auth = "Basic " + Base64.getEncoder().encodeToString(("root:" + sim.rootPassword()).getBytes(StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int k = 0; k < 20; k++) {
                String path = k % 2 == 0 ? "/api/v1/cluster" : "/api/v1/health";
                out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 " + (k % 2 == 0 ? "200" : "204")), head);
                int len = contentLength(head);
                byte[] body = in.readNBytes(len);
                assertEquals(len, body.length);
                if (k % 2 == 0) {
                    assertTrue(new String(body, StandardCharsets.UTF_8).contains("\"implementation\":\"raft\""));
                }
            }
            String post = "{\"command\":\"list databases\"}";
            out.write(("POST /api/v1/server HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + post.length() + "\r\n\r\n" + post).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertEquals("{\"result\":[]}", new String(in.readNBytes(contentLength(head)), StandardCharsets.UTF_8));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int ch = in.read();
            if (ch < 0) {
                throw new IOException("connection closed after: " + b);
            }
            b.append((char) ch);
        }
        return b.toString();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    @Test
    void gracefulStopOn2673LeavesTheConfiguration() {
        try (ClusterSimulator sim = ClusterSimulator.builder().version("26.7.3").timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            c.awaitWritableLeader();
            sim.stopNode(2);
            assertFalse(sim.isMember(2), "26.7.3 leaves on SIGTERM");
            assertTrue(sim.log(2).stream().anyMatch(l -> l.contains("leaving cluster")));
            sim.stopNode(1);
            assertTrue(sim.isMember(1), "below quorum it cannot leave");
            assertTrue(sim.log(1).stream().anyMatch(l -> l.contains("Could not leave cluster gracefully on shutdown")));
            sim.startNode(2, true);
            SimClient.sleep(1000);
            assertFalse(sim.isMember(2), "26.7.3 never re-adds a removed pod");
        }
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            new SimClient(sim).awaitWritableLeader();
            sim.stopNode(2);
            assertTrue(sim.isMember(2), "26.8.1 never leaves on shutdown");
        }
    }

    @Test
    void gracefulStopOn2681KeepsMembershipAndTheNodeCatchesUpByLogReplay() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "grace", 3);
            int follower = leader == 2 ? 1 : 2;
            int crashed = 3 - leader - follower;
            sim.stopNode(follower);
            assertTrue(sim.isMember(follower), "26.8.1 never leaves on shutdown");
            assertTrue(sim.log(follower).stream().anyMatch(l -> l.contains("ArcadeDB Server is shutting down")));
            for (int i = 0; i < 5; i++) {
                assertEquals(200, c.command(leader, "grace", "INSERT INTO Doc SET name = 'while-stopped-" + i + "'").status());
            }
            sim.startNode(follower, false);
            SimClient.await(Duration.ofSeconds(3), "the stopped node caught up", () -> sim.rowCount(follower, "grace", "Doc") == 8);
            assertFalse(sim.log(leader).stream().anyMatch(l -> l.contains("added to Raft cluster")), "a member again without add-peer");
            assertFalse(sim.log(follower).stream().anyMatch(l -> l.contains("mode=snapshot")), "log replay, no snapshot");

            sim.killNode(crashed);
            assertFalse(sim.log(crashed).stream().anyMatch(l -> l.contains("shutting down")), "a crash logs nothing");
            assertTrue(sim.isMember(crashed));
        }
    }

    @Test
    void serverInfoPresenceSnapshotAndIdempotentRetries() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.builder().version("26.9.1-SNAPSHOT").timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "misc", 2);
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(2, "misc", "Doc") == 2);

            JsonNode ha = c.get(1, "/api/v1/server?mode=cluster").json().get("ha");
            assertEquals("DONE", ha.get("electionStatus").asText());
            assertEquals(sim.httpAddress(leader), ha.get("leaderAddress").asText());
            assertEquals(3, ha.get("network").get("configuredServers").asInt());

            JsonNode presence = c.get(leader, "/api/v1/cluster?presence=true").json().get("databasePresence");
            assertEquals(3, presence.get("databases").get(0).get("present").size());
            assertFalse(c.get(1, "/api/v1/cluster?presence").json().has("databasePresence"), "only on the leader");

            SimClient.Res zip = c.get(1, "/api/v1/ha/snapshot/misc");
            assertEquals(200, zip.status());
            assertEquals("1", zip.header("X-ArcadeDB-Snapshot-Manifest"));
            assertEquals(401, c.send(1, "GET", "/api/v1/ha/snapshot/misc", null, null, null).status());
            assertEquals(404, c.get(1, "/api/v1/ha/snapshot/none").status());

            Map<String, String> id = Map.of("X-Request-Id", "write-once-1");
            String body = SimClient.sqlBody("INSERT INTO Doc SET name = 'once'", null);
            SimClient.Res a = c.send(2, "POST", "/api/v1/command/misc", body, c.auth, id);
            SimClient.Res b = c.send(2, "POST", "/api/v1/command/misc", body, c.auth, id);
            assertEquals(200, a.status());
            assertEquals(a.body(), b.body(), "a retry with the same X-Request-Id replays the first answer");
            assertEquals(3, sim.rowCount(leader, "misc", "Doc"));

            assertEquals(200, c.post(1, "/api/v1/cluster/resync/misc", "{}").status());
            assertEquals(400, c.post(leader, "/api/v1/cluster/resync/misc", "{}").status());
        }
    }
}
