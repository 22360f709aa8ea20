package ha.phases;

import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.run.PhaseResult;
import ha.scripts.HaHealth;
import ha.scripts.HaQuorum;
import ha.scripts.HaRead;
import ha.scripts.HaTransfer;
import ha.scripts.HaWrite;
import ha.target.kube.KubeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transient trouble inside a phase's deadline does not fail it: the cluster recovered, so the phase passes. */
class FaultToleranceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path reports;

    @AfterEach
    void stopChaos() {
        chaos.shutdownNow();
    }

    private List<PhaseResult> run(KubeTarget target, ha.run.Phase... phases) {
        return Scenario.run(target, reports, TIMEOUT, null, phases);
    }

    private static void assertAllPassed(List<PhaseResult> results) {
        results.forEach(r -> assertEquals(PhaseResult.Status.passed, r.status(), r.name() + ": " + r.message()));
    }

    @Test
    void portForwardStreamsClosingMidPhaseAreReopened() {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            chaos.scheduleWithFixedDelay(() -> {
                for (int i = 0; i < 3; i++) {
                    cluster.kube().breakPortForwards("test-arcadedb-" + i);
                }
            }, 200, 400, TimeUnit.MILLISECONDS);
            assertAllPassed(run(target, new HaQuorum(), new HaWrite(), new HaRead(), new HaTransfer()));
            chaos.shutdownNow();
            assertTrue(cluster.kube().portForwardStreamsTotal() > 3, "streams were broken and opened again");
        }
    }

    @Test
    void connectionResetsForAWhileAreRidOut() {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            cluster.sim().faults().refuseConnections(1, true);
            chaos.schedule(() -> cluster.sim().faults().refuseConnections(1, false), 1500, TimeUnit.MILLISECONDS);
            assertAllPassed(run(target, new HaHealth(), new HaQuorum()));
        }
    }

    @Test
    void aBurstOf5xxIsRidOut() {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            cluster.sim().faults().failNext(0, 8, 503);
            cluster.sim().faults().failNext(2, 8, 500);
            assertAllPassed(run(target, new HaQuorum(), new HaWrite(), new HaRead()));
        }
    }

    @Test
    void aPodRestartingDuringAPollIsRidOut() {
        // the replacement comes 3 s after the node went down, so the phases start while the pod is gone and
        // their polls of it fail: the forward must be re-opened to the new pod, and the phases must still pass
        try (KubeSim cluster = KubeSim.builder().api(k -> k.recreateDelay(Duration.ofSeconds(3))).start(); KubeTarget target = cluster.target()) {
            assertAllPassed(run(target, new HaWrite()));
            cluster.kube().client().pods().withName("test-arcadedb-2").delete();
            ha.core.Wait.until("simulator node 2 stopped with its pod", Duration.ofMillis(20), Duration.ofSeconds(10),
                    () -> cluster.sim().isRunning(2), running -> !running);
            assertAllPassed(run(target, new HaRead(), new HaQuorum()));
            assertTrue(target.portForwards().openedCount() >= 4, "the forward to the replaced pod was opened again");
        }
    }

    @Test
    void slowAnswersWithinTheDeadlineAreFine() {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            cluster.sim().faults().slow(1, Duration.ofMillis(400));
            assertAllPassed(run(target, new HaHealth(), new HaQuorum(), new HaWrite(), new HaRead()));
        }
    }
}
