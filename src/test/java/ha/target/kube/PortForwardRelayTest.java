package ha.target.kube;

import ha.support.kube.HealthStubs;
import ha.support.kube.MockKube;
import ha.support.kube.Scenario;

import ha.core.Node;
import ha.run.PhaseResult;
import ha.scripts.HaHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay carries real HTTP through fabric8 port-forwards, and the pool reuses one forward per pod. */
class PortForwardRelayTest {
    @org.junit.jupiter.api.io.TempDir
    Path reports;

    @Test
    void healthPassesThroughOneForwardPerPod() throws Exception {
        try (HealthStubs pods = new HealthStubs(204, 204, 204);
             MockKube kube = MockKube.builder(pods).start();
             KubeTarget target = KubeTarget.using(kube.client(), kube.namespace(), kube.release(), Path.of("charts/arcadedb"))) {
            for (int round = 0; round < 3; round++) {
                List<PhaseResult> results = Scenario.run(target, reports, Duration.ofSeconds(5), null, new HaHealth());
                assertEquals(PhaseResult.Status.passed, results.get(0).status(), results.get(0).message());
            }
            assertEquals(3, target.portForwards().openedCount(), "one LocalPortForward per pod");
            for (Node n : target.nodes()) {
                assertEquals(1, kube.portForwardStreams(n.name()), "one API-server stream for " + n);
            }
        }
    }

    @Test
    void healthFailsNamingThePodThatAnswers503() throws Exception {
        try (HealthStubs pods = new HealthStubs(204, 503, 204);
             MockKube kube = MockKube.builder(pods).start();
             KubeTarget target = KubeTarget.using(kube.client(), kube.namespace(), kube.release(), Path.of("charts/arcadedb"))) {
            PhaseResult result = Scenario.run(target, reports, Duration.ofSeconds(2), null, new HaHealth()).get(0);
            assertEquals(PhaseResult.Status.failed, result.status());
            assertTrue(result.message().contains("test-arcadedb-1 to answer GET /api/v1/health with 204; last seen: 503"), result.message());
        }
    }
}
