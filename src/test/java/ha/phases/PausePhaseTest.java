package ha.phases;

import ha.core.Freezer;
import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.run.PhaseResult;
import ha.scripts.HaPause;
import ha.target.kube.KubeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pause through the Kubernetes target against the simulator, the mock API server playing kind (context kind-*, a fake
 * docker that answers crictl inspect and whose kill the mock applies to the simulated node): passing, skipped off kind,
 * and failing when the others never elect, with the frozen node resumed all the same.
 */
class PausePhaseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path reports;

    @AfterEach
    void forgetDocker() {
        System.clearProperty("ha.docker");
        System.clearProperty("kubeconfig");
    }

    /** The phase through a target reached by the mock's kubeconfig, so that it sees the context's name (kind-*). */
    private PhaseResult run(KubeSim cluster, Duration timeout, HaPause phase) {
        System.setProperty("kubeconfig", cluster.kube().kubeconfig().toString());
        try (KubeTarget target = KubeTarget.connect(null, cluster.kube().namespace(), cluster.kube().release(), Path.of("charts/arcadedb"))) {
            return Scenario.run(target, reports, timeout, null, phase).get(0);
        }
    }

    private static KubeSim kind() {
        // a short election timeout, so that the derived pause (twice it) is short too
        KubeSim cluster = KubeSim.builder().api(k -> k.contextName("kind-ha")).setting("arcadedb.ha.electionTimeoutMax", "1000").start();
        System.setProperty("ha.docker", cluster.kube().fakeBin().resolve("docker").toString());
        return cluster;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected «" + part + "» in: " + message);
        }
    }

    @Test
    void theOthersElectTheWokenLeaderFollowsAndNothingIsLost() {
        try (KubeSim cluster = kind()) {
            Integer leader = cluster.sim().leaderOrdinal();
            PhaseResult r = run(cluster, TIMEOUT, new HaPause());
            assertEquals(PhaseResult.Status.passed, r.status(), r.message());
            Map<String, Object> f = r.figures();
            for (String key : List.of("election time", "new leader", "woken node followed after", "woken node's first answer",
                    "linearizable reads on the woken node", "writes the woken node acknowledged before it followed", "longest unavailable")) {
                assertTrue(f.containsKey(key), "figure " + key + " in " + f);
            }
            assertContains(String.valueOf(f.get("linearizable reads on the woken node")), "(0 stale)");
            long pid = 4_000_000L + (leader == null ? 0 : leader);
            assertEquals(List.of("STOP " + pid, "CONT " + pid), cluster.kube().signalsSent(),
                    "the leader's container process was stopped once and continued once, from the kind node");
            assertEquals(0, Freezer.frozenCount(), "nothing is left frozen");
        }
    }

    @Test
    void offKindThePhaseIsSkippedWithTheReason() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            PhaseResult r = run(cluster, TIMEOUT, new HaPause());
            assertEquals(PhaseResult.Status.skipped, r.status(), r.message());
            assertContains(r.message(), "only on kind", "context 'mock' is not a kind-* context");
            assertTrue(cluster.kube().signalsSent().isEmpty(), "nothing was signalled: " + cluster.kube().signalsSent());
        }
    }

    @Test
    void whenNoLeaderIsElectedThePhaseFailsAndTheNodeIsResumedAnyway() {
        try (KubeSim cluster = kind()) {
            cluster.awaitReadyLeader();   // the first election is over: only the one after the freeze never happens
            cluster.sim().faults().neverElect(true);
            PhaseResult r = run(cluster, Duration.ofSeconds(4), new HaPause());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "the others to agree on a leader elected in a new term");
            List<String> signals = cluster.kube().signalsSent();
            assertEquals(2, signals.size(), "stopped and continued: " + signals);
            assertTrue(signals.get(0).startsWith("STOP ") && signals.get(1).startsWith("CONT "), "stopped, then continued: " + signals);
            assertEquals(0, Freezer.frozenCount(), "nothing is left frozen");
        }
    }

    @Test
    void aPauseNotLongerThanTheElectionTimeoutIsABadUsage() {
        try (KubeSim cluster = kind()) {
            PhaseResult r = run(cluster, TIMEOUT, new HaPause().pauseFor(Duration.ofMillis(500)));
            assertContains(r.message(), "--pause-for 0.5 s must be longer than the election timeout arcadedb.ha.electionTimeoutMax = 1.0 s");
            assertTrue(cluster.kube().signalsSent().isEmpty(), "nothing was signalled: " + cluster.kube().signalsSent());
        }
    }
}
