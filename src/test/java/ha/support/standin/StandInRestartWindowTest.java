package ha.support.standin;

import com.fasterxml.jackson.databind.JsonNode;
import ha.check.ClusterOps;
import ha.client.ArcadeClient;
import ha.core.Node;
import ha.core.Wait;
import ha.target.local.LocalOptions;
import ha.target.local.LocalTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stand-in's restart window, as on real 26.8.1 servers: a restarted follower answers HTTP before its HA plugin has
 * started, acknowledges an insert sent to it then, and that row never reaches the rest of the cluster.
 */
class StandInRestartWindowTest {
    private static final String DB = "win";
    private static final Duration POLL = Duration.ofMillis(20);

    @TempDir
    Path tmp;

    private static Set<String> markers(LocalTarget target, Node node) {
        Set<String> out = new TreeSet<>();
        for (JsonNode row : target.client(node).query(DB, "SELECT marker FROM Doc", Map.of())) {
            out.add(row.path("marker").asText());
        }
        return out;
    }

    private static void insert(LocalTarget target, Node node, String marker) {
        target.client(node).command(DB, "INSERT INTO Doc SET marker = :m", Map.of("m", marker));
    }

    private static void awaitEverywhere(LocalTarget target, String marker) {
        Wait.until(marker + " on every node", POLL, Duration.ofSeconds(30), () -> target.nodes().stream()
                .allMatch(n -> markers(target, n).contains(marker)), ok -> ok);
    }

    @Test
    void aRestartedFollowerAcknowledgesAnInsertInItsWindowThatOnlyItKeeps() {
        LocalOptions options = StandIn.options(tmp.resolve("work"), 3);
        options.serverSettings.put("arcadedb.server.readinessRequiresHA", "true");
        options.serverSettings.put("standin.haStartDelayMs", "2500");
        try (LocalTarget target = LocalTarget.start(options, Map.of(), null)) {
            target.awaitRollout(Duration.ofSeconds(90));
            Node leader = new ClusterOps(target).awaitLeader("a leader", Duration.ofSeconds(30));
            List<Node> nodes = target.nodes();
            Node follower = nodes.get((leader.ordinal() + 1) % 3);
            Node other = nodes.get((leader.ordinal() + 2) % 3);
            ArcadeClient lc = target.client(leader);
            lc.serverCommand("create database " + DB);
            lc.command(DB, "CREATE DOCUMENT TYPE Doc", Map.of());
            insert(target, leader, "before");
            awaitEverywhere(target, "before");

            target.deleteNode(follower, false);   // kill -9 and a new process at once
            ArcadeClient fc = target.client(follower);
            ha.client.ClusterStatus inWindow = Wait.until("the restarted follower answering HTTP", POLL, Duration.ofSeconds(30), fc::cluster,
                    s -> true);
            assertTrue(Set.of("NEW", "STARTING").contains(inWindow.raftState()), inWindow.toString());
            assertEquals(null, inWindow.leaderId());
            insert(target, leader, "while-restarting");
            insert(target, follower, "in-window");
            assertEquals(503, fc.anonymous().ready(), "the insert was answered before the node was ready");
            assertTrue(markers(target, follower).contains("in-window"), "committed on its own database");

            Wait.until("the restarted follower ready", POLL, Duration.ofSeconds(60), () -> fc.anonymous().ready(), s -> s == 204);
            insert(target, follower, "after-ready");
            awaitEverywhere(target, "after-ready");

            assertFalse(markers(target, leader).contains("in-window"), "never replicated to the leader");
            assertFalse(markers(target, other).contains("in-window"), "never replicated to the other follower");
            Set<String> followerRows = markers(target, follower);
            assertTrue(followerRows.contains("in-window"), followerRows.toString());
            assertFalse(followerRows.contains("while-restarting"), "its page was ahead, so it took the leader's next insert as applied");
            assertEquals(markers(target, leader).size(), followerRows.size(), "the same count, other rows");
            String log = target.logs(follower, false);
            assertTrue(log.indexOf("HTTP Server started") < log.indexOf("Raft cluster joined")
                    && log.indexOf("Raft cluster joined") < log.indexOf("Re-wrapped database '" + DB + "' with HA wrapper")
                    && log.contains("Raft HA plugin started successfully"), log);
        }
    }
}
