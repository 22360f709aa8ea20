package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationTest {
    static final String DB = "integration-test";

    @Test
    void writesReplicateAndFollowersReadEventually() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();

            SimClient.Res created = c.server(leader, "create database " + DB);
            assertEquals(200, created.status(), created.body());
            assertEquals("ok", created.json().get("result").asText());
            SimClient.Res again = c.server(leader, "create database " + DB);
            assertEquals(400, again.status());
            assertEquals("java.lang.IllegalArgumentException", again.json().get("exception").asText());
            SimClient.await(Duration.ofSeconds(2), "database on follower",
                    () -> c.get(2, "/api/v1/exists/" + DB).json().get("result").asBoolean());
            assertTrue(c.server(2, "list databases").json().get("result").toString().contains(DB));

            SimClient.Res type = c.command(leader, DB, "CREATE DOCUMENT TYPE TestDoc IF NOT EXISTS");
            assertEquals(200, type.status(), type.body());
            assertEquals("TestDoc", type.json().get("result").get(0).get("typeName").asText());
            assertEquals(200, c.command(leader, DB, "create document type TestDoc if not exists").status());
            SimClient.Res dup = c.command(leader, DB, "CREATE DOCUMENT TYPE TestDoc");
            assertEquals(500, dup.status());
            assertEquals("com.arcadedb.exception.CommandExecutionException", dup.json().get("exception").asText());

            SimClient.Res ins = c.command(leader, DB, "INSERT INTO TestDoc SET name = 'hello-kind', n = 1");
            assertEquals(200, ins.status(), ins.body());
            JsonNode row = ins.json().get("result").get(0);
            assertEquals("root", ins.json().get("user").asText());
            assertEquals("#1:0", row.get("@rid").asText());
            assertEquals("TestDoc", row.get("@type").asText());
            assertEquals("hello-kind", row.get("name").asText());
            assertEquals(1, row.get("n").asInt());

            SimClient.Res sel = c.command(leader, DB, "SELECT name FROM TestDoc WHERE name = 'hello-kind'");
            assertEquals(200, sel.status());
            assertEquals("[{\"name\":\"hello-kind\"}]", sel.json().get("result").toString());
            assertEquals(1, sel.json().get("returned").asInt());
            assertFalse(sel.json().get("truncated").asBoolean());
            assertTrue(sel.json().has("limit"));
            assertTrue(Long.parseLong(sel.header("X-ArcadeDB-Commit-Index")) > 0);

            SimClient.await(Duration.ofSeconds(2), "row on followers", () -> sim.rowCount(1, DB, "TestDoc") == 1
                    && sim.rowCount(2, DB, "TestDoc") == 1);
            JsonNode onFollower = c.query(2, DB, "SELECT FROM TestDoc").json().get("result");
            assertEquals(1, onFollower.size());
            assertEquals("#1:0", onFollower.get(0).get("@rid").asText());
            assertEquals("d", onFollower.get(0).get("@cat").asText());

            int before = sim.httpRequests(leader);
            SimClient.Res fwd = c.command(2, DB, "INSERT INTO TestDoc SET name = :name, n = :n", Map.of("name", "via-follower", "n", 2));
            assertEquals(200, fwd.status(), fwd.body());
            assertEquals("#1:1", fwd.json().get("result").get(0).get("@rid").asText());
            assertTrue(sim.httpRequests(leader) > before, "forwarded to the leader");
            assertEquals(2, sim.rowCount(leader, DB, "TestDoc"), "committed on the leader when the follower answers");

            assertEquals(200, c.command(1, DB, "INSERT INTO TestDoc SET name = 'other', n = 3").status());
            JsonNode count = c.command(leader, DB, "SELECT count(*) AS count FROM TestDoc WHERE name LIKE 'via%'").json();
            assertEquals("[{\"count\":1}]", count.get("result").toString());
            JsonNode ordered = c.query(leader, DB, "SELECT name, n FROM TestDoc ORDER BY n DESC").json().get("result");
            assertEquals("other", ordered.get(0).get("name").asText());
            assertEquals("hello-kind", ordered.get(2).get("name").asText());
            JsonNode limited = c.post(leader, "/api/v1/query/" + DB,
                    "{\"language\":\"sql\",\"command\":\"SELECT * FROM TestDoc\",\"limit\":2}").json();
            assertEquals(2, limited.get("result").size());
            assertTrue(limited.get("truncated").asBoolean());

            SimClient.Res notIdem = c.query(leader, DB, "INSERT INTO TestDoc SET name = 'x'");
            assertEquals(400, notIdem.status());
            assertEquals("Query is not idempotent", notIdem.json().get("error").asText());
            SimClient.Res noDb = c.command(leader, "nope", "SELECT FROM TestDoc");
            assertEquals(500, noDb.status());
            assertEquals("com.arcadedb.exception.DatabaseOperationException", noDb.json().get("exception").asText());
            SimClient.Res noType = c.command(1, DB, "SELECT * FROM Missing");
            assertEquals(500, noType.status());
            assertEquals("com.arcadedb.exception.CommandExecutionException", noType.json().get("exception").asText());
            SimClient.Res noTypeInsert = c.command(1, DB, "INSERT INTO Missing SET a = 1");
            assertEquals(500, noTypeInsert.status());
            SimClient.Res parse = c.command(leader, DB, "SELEKT * FROM TestDoc");
            assertEquals(400, parse.status());
            assertEquals("Cannot execute command", parse.json().get("error").asText());
            assertEquals(400, c.post(leader, "/api/v1/command/" + DB, "{\"command\":\"SELECT FROM TestDoc\"}").status());
            assertEquals(400, c.post(leader, "/api/v1/server", "{}").status());
            assertEquals("Server command not valid", c.server(leader, "frobnicate").json().get("error").asText());

            SimClient.await(Duration.ofSeconds(2), "all rows everywhere", () -> sim.rowCount(0, DB, "TestDoc") == 3
                    && sim.rowCount(1, DB, "TestDoc") == 3 && sim.rowCount(2, DB, "TestDoc") == 3);
            SimClient.Res verify = c.post(leader, "/api/v1/cluster/verify/" + DB, "{}");
            assertEquals("ALL_CONSISTENT", verify.json().get("result").get("overallStatus").asText(), verify.body());

            SimClient.Res drop = c.server(1, "drop database " + DB);
            assertEquals(200, drop.status(), drop.body());
            SimClient.await(Duration.ofSeconds(2), "dropped everywhere",
                    () -> !sim.hasDatabase(0, DB) && !sim.hasDatabase(1, DB) && !sim.hasDatabase(2, DB));
            assertEquals(400, c.server(2, "drop database " + DB).status());
            assertTrue(sim.internalErrors().isEmpty(), sim.internalErrors().toString());
        }
    }

    @Test
    void followerReadsAreEventualUnlessTheyAskForLinearizable() {
        Timings f = Timings.fast();
        Timings slowReplication = new Timings(f.electionDelay(), f.transferDelay(), f.leaderNullWindow(), f.unknownWindow(),
                Duration.ofMillis(150), f.statusTick(), f.failoverDetection(), f.joinDelay(), f.snapshotInstallDelay());
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(slowReplication).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            assertEquals(200, c.write(leader, null, "create database r").status());
            assertEquals(200, c.command(leader, "r", "CREATE DOCUMENT TYPE D").status());
            SimClient.await(Duration.ofSeconds(3), "type on follower", () -> c.query(1, "r", "SELECT FROM D").status() == 200);
            assertEquals(200, c.command(leader, "r", "INSERT INTO D SET k = 'v'").status());
            assertEquals(0, c.query(1, "r", "SELECT count(*) AS count FROM D").json().get("result").get(0).get("count").asInt(),
                    "a follower has not applied the write yet");
            SimClient.Res lin = c.send(1, "POST", "/api/v1/query/r", SimClient.sqlBody("SELECT count(*) AS count FROM D", null), c.auth,
                    Map.of("X-ArcadeDB-Read-Consistency", "linearizable"));
            assertEquals(1, lin.json().get("result").get(0).get("count").asInt());
        }
    }

    @Test
    void version2673QueryAnswersHaveNoLimitFields() {
        try (ClusterSimulator sim = ClusterSimulator.builder().version("26.7.3").timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            int leader = c.awaitWritableLeader();
            assertEquals(200, c.write(leader, null, "create database v").status());
            assertEquals(200, c.command(leader, "v", "CREATE DOCUMENT TYPE T").status());
            JsonNode r = c.command(leader, "v", "INSERT INTO T SET a = 1.5, b = true, c = null").json();
            assertEquals(Map.of("user", "root"), Map.of("user", r.get("user").asText()));
            assertFalse(r.has("limit"));
            assertFalse(r.has("returned"));
            assertEquals(1.5, r.get("result").get(0).get("a").asDouble());
            assertTrue(r.get("result").get(0).get("b").asBoolean());
        }
    }
}
