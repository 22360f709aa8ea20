package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultsTest {

    /**
     * A frozen leader answers nothing while frozen, the others elect another, and woken it answers the requests it held
     * as a follower of the new leader, with the rows written meanwhile.
     */
    @Test
    void aFrozenLeaderIsReplacedAndFollowsWhenWoken() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "pause", 2);
            sim.faults().freeze(leader, true);
            java.util.concurrent.CompletableFuture<SimClient.Res> held =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> c.get(leader, "/api/v1/cluster"));
            SimClient.await(Duration.ofSeconds(5), "another leader while the old one is frozen",
                    () -> sim.leaderOrdinal() != null && sim.leaderOrdinal() != leader);
            int next = sim.leaderOrdinal();
            assertFalse(held.isDone(), "the frozen node answered while frozen: " + (held.isDone() ? held.join() : ""));
            // a leader just elected refuses writes for a moment (its not-ready window): the first acknowledged one counts
            SimClient.await(Duration.ofSeconds(5), "the new leader to acknowledge a write",
                    () -> c.command(next, "pause", "INSERT INTO Doc SET name = 'meanwhile', i = 99").status() == 200);
            sim.faults().freeze(leader, false);
            JsonNode woken = held.get(5, java.util.concurrent.TimeUnit.SECONDS).json();
            assertFalse(woken.path("isLeader").asBoolean(), "woken, it no longer says it leads: " + woken);
            SimClient.await(Duration.ofSeconds(5), "the woken node to hold the row written meanwhile", () -> sim.rowCount(leader, "pause", "Doc") == 3);
        }
    }

    @Test
    void refuseNotStartedSlowAndFailNext() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            Faults f = sim.faults();

            int port = sim.httpPort(2);
            f.refuseConnections(2, true);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> c.get(2, "/api/v1/health"));
            assertTrue(e.getCause() instanceof ConnectException);
            assertTrue(sim.isRunning(2), "the node carries on");
            FailoverTest.seed(c, leader, "fault", 2);
            SimClient.await(Duration.ofSeconds(2), "replication continues behind a closed port", () -> sim.rowCount(2, "fault", "Doc") == 2);
            f.refuseConnections(2, false);
            assertEquals(port, sim.httpPort(2));
            assertEquals(204, c.get(2, "/api/v1/health").status());

            f.notStarted(1, true);
            SimClient.Res ns = c.get(1, "/api/v1/cluster");
            assertEquals(503, ns.status());
            assertEquals("{\"error\":\"Raft HA not started yet\"}", ns.body());
            assertEquals(503, c.send(1, "GET", "/api/v1/ready", null, null, null).status());
            assertEquals(204, c.send(1, "GET", "/api/v1/health", null, null, null).status());
            f.notStarted(1, false);
            assertEquals(200, c.get(1, "/api/v1/cluster").status());

            f.slow(1, Duration.ofMillis(150));
            assertTrue(c.get(1, "/api/v1/health").millis() >= 140);
            f.slow(1, Duration.ZERO);
            assertTrue(c.get(1, "/api/v1/health").millis() < 140);

            f.failNext(leader, 2, 503);
            SimClient.Res first = c.get(leader, "/api/v1/cluster");
            assertEquals(503, first.status());
            assertEquals("Cannot execute command", first.json().get("error").asText());
            assertTrue(first.json().has("exception"));
            assertEquals(503, c.command(leader, "fault", "SELECT FROM Doc").status());
            assertEquals(200, c.get(leader, "/api/v1/cluster").status());
        }
    }

    @Test
    void disagreeNeverElectAndWrongPeerIds() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            sim.faults().neverElect(true);
            SimClient.sleep(900);
            for (int i = 0; i < 3; i++) {
                assertTrue(c.cluster(i).get("leaderId").isNull(), "no election while neverElect");
            }
            sim.faults().neverElect(false);
            int leader = c.awaitAgreedLeader(Duration.ofSeconds(3));

            sim.faults().disagreeOnLeader(2, true);
            String reported = c.cluster(2).get("leaderId").asText();
            assertNotEquals(sim.peerId(leader), reported);
            assertEquals(sim.peerId(leader), c.cluster(1).get("leaderId").asText());
            sim.faults().disagreeOnLeader(2, false);
            assertEquals(sim.peerId(leader), c.cluster(2).get("leaderId").asText());

            sim.faults().wrongPeerIdsInPeers(true);
            JsonNode j = c.cluster(1);
            for (JsonNode p : j.get("peers")) {
                assertNotEquals(j.get("leaderId").asText(), p.get("id").asText());
            }
            sim.faults().wrongPeerIdsInPeers(false);
        }
    }

    @Test
    void stalledFollowerFallsBehindAndHoldsOldData() throws Exception {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "st", 1);
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(2, "st", "Doc") == 1);
            sim.setSetting("arcadedb.ha.replicationLagWarning", "3");
            long stalledAt = System.nanoTime();
            sim.faults().stallFollower(2, true);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger written = new AtomicInteger(1);
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    if (c.command(leader, "st", "INSERT INTO Doc SET name = 'w'").status() == 200) {
                        written.incrementAndGet();
                    }
                }
            });
            writer.start();
            try {
                SimClient.await(Duration.ofSeconds(4), "STALLED or FALLING_BEHIND", () -> {
                    String s = c.statusOf(leader, 2);
                    return "STALLED".equals(s) || "FALLING_BEHIND".equals(s);
                });
                JsonNode e = c.peerEntry(c.cluster(leader), sim.peerId(2));
                assertTrue(e.get("replicationLag").asLong() > 3, e.toString());
                assertTrue(e.get("lagging").asBoolean());
                long laggingFor = e.get("laggingForMs").asLong();
                long sinceStall = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt);
                assertTrue(laggingFor <= sinceStall, "lagging for " + laggingFor + " ms, but the stall began " + sinceStall + " ms ago");
                SimClient.await(Duration.ofSeconds(2), "laggingForMs to keep counting past " + laggingFor + " ms while the stall lasts",
                        () -> c.peerEntry(c.cluster(leader), sim.peerId(2)).get("laggingForMs").asLong() > laggingFor);
                assertEquals("lagging-followers", c.cluster(leader).get("alerts").get(0).get("id").asText());
                assertEquals(1, sim.rowCount(2, "st", "Doc"), "the stalled node holds old data");
            } finally {
                stop.set(true);
                writer.join();
            }
            sim.faults().stallFollower(2, false);
            SimClient.await(Duration.ofSeconds(3), "caught up", () -> sim.rowCount(2, "st", "Doc") == written.get());
            SimClient.await(Duration.ofSeconds(3), "HEALTHY again", () -> "HEALTHY".equals(c.statusOf(leader, 2)));
        }
    }

    @Test
    void detachedFollowerLooksHealthyButItsDataDoesNotMatch() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "det", 1);
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(1, "det", "Doc") == 1);
            sim.faults().detachFollower(1, true);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, c.command(leader, "det", "INSERT INTO Doc SET name = 'lost-" + i + "'").status());
            }
            SimClient.sleep(700);
            JsonNode e = c.peerEntry(c.cluster(leader), sim.peerId(1));
            assertEquals("HEALTHY", e.get("replicaStatus").asText());
            assertEquals(0, e.get("replicationLag").asLong());
            assertEquals(1, sim.rowCount(1, "det", "Doc"));
            assertEquals(6, sim.rowCount(leader, "det", "Doc"));
            assertEquals(1, c.query(1, "det", "SELECT count(*) AS count FROM Doc").json().get("result").get(0).get("count").asInt());
            JsonNode verify = c.post(leader, "/api/v1/cluster/verify/det", "{}").json().get("result");
            assertEquals("INCONSISTENCY_DETECTED", verify.get("overallStatus").asText());
            sim.faults().detachFollower(1, false);
            SimClient.await(Duration.ofSeconds(2), "reattached", () -> sim.rowCount(1, "det", "Doc") == 6);
        }
    }

    @Test
    void lostRowAndTransferFaults() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "lr", 0);
            sim.faults().loseRow(2, "marker-7");
            SimClient.Res ack = c.command(leader, "lr", "INSERT INTO Doc SET name = 'marker-7'");
            assertEquals(200, ack.status());
            assertEquals(200, c.command(leader, "lr", "INSERT INTO Doc SET name = 'kept'").status());
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(1, "lr", "Doc") == 2 && sim.rowCount(2, "lr", "Doc") == 1);
            assertEquals(0, c.query(2, "lr", "SELECT FROM Doc WHERE name = 'marker-7'").json().get("result").size());
            assertEquals(1, c.query(1, "lr", "SELECT FROM Doc WHERE name = 'marker-7'").json().get("result").size());

            sim.faults().rejectTransfer(true);
            SimClient.Res rejected = c.post(leader, "/api/v1/cluster/leader", TransferTest.transferBody(sim.peerId(1), 2000));
            assertEquals(500, rejected.status());
            assertEquals("Internal error", rejected.json().get("error").asText());
            sim.faults().rejectTransfer(false);
            assertEquals(Integer.valueOf(leader), sim.leaderOrdinal());

            sim.faults().ignoreTransfer(true);
            SimClient.Res ignored = c.post(leader, "/api/v1/cluster/leader", TransferTest.transferBody(sim.peerId(1), 2000));
            assertEquals(200, ignored.status());
            SimClient.sleep(400);
            assertEquals(Integer.valueOf(leader), sim.leaderOrdinal());
            assertEquals(sim.peerId(leader), c.cluster(1).get("leaderId").asText());
            sim.faults().ignoreTransfer(false);
            sim.faults().clear();
            assertFalse(sim.faults().isIgnoreTransfer());
        }
    }

    @Test
    void rowsCanBeLostEverywhereDuplicatedAndInvented() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            FailoverTest.seed(c, leader, "rf", 0);
            assertEquals(200, c.command(leader, "rf", "INSERT INTO Doc SET name = 'held-before'").status());
            SimClient.await(Duration.ofSeconds(2), "replicated", () -> sim.rowCount(1, "rf", "Doc") == 1);

            sim.faults().duplicateRow(1, "held-before");              // a row it already holds
            sim.faults().duplicateRow(1, "applied-later");            // and one it applies later
            sim.faults().loseRowEverywhere("gone");
            assertEquals(200, c.command(leader, "rf", "INSERT INTO Doc SET name = 'applied-later'").status());
            assertEquals(200, c.command(leader, "rf", "INSERT INTO Doc SET name = 'gone'").status());
            SimClient.await(Duration.ofSeconds(2), "applied", () -> sim.rowCount(1, "rf", "Doc") == 4 && sim.rowCount(2, "rf", "Doc") == 2);
            for (int i = 0; i < 3; i++) {
                assertEquals(0, c.query(i, "rf", "SELECT FROM Doc WHERE name = 'gone'").json().get("result").size(), "lost on node " + i);
            }
            JsonNode twice = c.query(1, "rf", "SELECT FROM Doc WHERE name = 'held-before'").json().get("result");
            assertEquals(2, twice.size());
            assertFalse(twice.get(0).get("@rid").asText().equals(twice.get(1).get("@rid").asText()), "the copy has another rid");
            assertEquals(2, c.query(1, "rf", "SELECT FROM Doc WHERE name = 'applied-later'").json().get("result").size());
            assertEquals(1, c.query(2, "rf", "SELECT FROM Doc WHERE name = 'applied-later'").json().get("result").size());

            sim.faults().inventRow(2, "rf", "Doc", "nobody-wrote-this");
            assertEquals(1, c.query(2, "rf", "SELECT FROM Doc WHERE marker = 'nobody-wrote-this'").json().get("result").size());
            assertEquals(0, c.query(0, "rf", "SELECT FROM Doc WHERE marker = 'nobody-wrote-this'").json().get("result").size());
        }
    }
}
