package ha.check;

import ha.client.ArcadeClient;
import ha.core.Node;
import ha.core.Wait;
import ha.support.kube.KubeSim;
import ha.target.kube.KubeTarget;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waits against the simulator: a status request that is never answered costs a poll, not the whole wait. */
class ClusterOpsSimTest {
    @Test
    void aRequestThatIsNeverAnsweredCostsOnePollNotTheWait() throws Exception {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            cluster.awaitReadyLeader();
            ClusterOps ops = new ClusterOps(target);
            ops.version(Duration.ofSeconds(30));
            // Node 1 holds its answers longer than the client's default request timeout (15 s) ...
            cluster.sim().faults().slow(1, Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            CompletableFuture<Node> leader = CompletableFuture.supplyAsync(() -> ops.awaitLeader(Duration.ofSeconds(9)));
            // ... and answers at once again as soon as it holds the wait's first request: a later poll must see it.
            long before = cluster.sim().faults().heldRequests(1, "/api/v1/cluster");
            Wait.until("node 1 to hold the wait's first GET /api/v1/cluster", Duration.ofMillis(20), Duration.ofSeconds(5),
                    () -> cluster.sim().faults().heldRequests(1, "/api/v1/cluster"), held -> held > before);
            cluster.sim().faults().slow(1, Duration.ZERO);
            Node agreed = leader.get(20, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertNotNull(agreed);
            assertTrue(tookMs < 9_000, "the leader was agreed within the wait, after " + tookMs + " ms");
        }
    }

    @Test
    void aHealthRequestThatIsNeverAnsweredCostsOnePollNotTheWait() throws Exception {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            cluster.awaitReadyLeader();
            Node node1 = target.nodes().get(1);
            ArcadeClient anonymous = target.client(node1).anonymous();
            cluster.sim().faults().slow(1, Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            CompletableFuture<Integer> health = CompletableFuture.supplyAsync(() -> Wait.until(node1 + " to answer GET /api/v1/health with 204",
                    Wait.HTTP_POLL, Duration.ofSeconds(6), anonymous::health, status -> status == 204));
            long before = cluster.sim().faults().heldRequests(1, "/api/v1/health");
            Wait.until("node 1 to hold the wait's first GET /api/v1/health", Duration.ofMillis(20), Duration.ofSeconds(5),
                    () -> cluster.sim().faults().heldRequests(1, "/api/v1/health"), held -> held > before);
            cluster.sim().faults().slow(1, Duration.ZERO);
            assertEquals(204, health.get(20, TimeUnit.SECONDS));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs < 6_000, "the health wait passed within its 6 s, after " + tookMs + " ms");
        }
    }
}
