package ha.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import ha.CommonOptions;
import ha.KubeTarget;
import ha.Node;
import ha.PhaseResult;
import ha.PhaseRunner;
import ha.scripts.HaHealth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay carries real HTTP through fabric8 port-forwards, and the pool reuses one forward per pod. */
class PortForwardRelayTest {
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private MockKube.Backend healthOnly(int... statuses) throws IOException {
        for (int status : statuses) {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            s.createContext("/api/v1/health", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
            s.start();
            servers.add(s);
        }
        return new MockKube.Backend() {
            public int httpPort(int ordinal) {
                return servers.get(ordinal).getAddress().getPort();
            }

            public void podDeleted(int ordinal) {
            }

            public void podStarted(int ordinal, boolean fresh) {
            }

            public void scaled(int replicas) {
            }

            public List<String> log(int ordinal) {
                return List.of("log of " + ordinal);
            }
        };
    }

    @Test
    void healthPassesThroughOneForwardPerPod() throws Exception {
        try (MockKube kube = MockKube.builder(healthOnly(204, 204, 204)).start();
             KubeTarget target = KubeTarget.using(kube.client(), kube.namespace(), kube.release(), Path.of("charts/arcadedb"))) {
            CommonOptions options = new CommonOptions();
            options.timeout = Duration.ofSeconds(5);
            PhaseRunner runner = new PhaseRunner(options, true);
            for (int round = 0; round < 3; round++) {
                List<PhaseResult> results = runner.run(target, List.of(new HaHealth()));
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
        try (MockKube kube = MockKube.builder(healthOnly(204, 503, 204)).start();
             KubeTarget target = KubeTarget.using(kube.client(), kube.namespace(), kube.release(), Path.of("charts/arcadedb"))) {
            CommonOptions options = new CommonOptions();
            options.timeout = Duration.ofSeconds(2);
            PhaseResult result = new PhaseRunner(options, true).run(target, List.of(new HaHealth())).get(0);
            assertEquals(PhaseResult.Status.failed, result.status());
            assertTrue(result.message().contains("test-arcadedb-1 to answer GET /api/v1/health with 204; last seen: 503"), result.message());
        }
    }
}
