package ha.target.local;

import ha.core.Node;
import ha.core.Wait;
import ha.target.Target;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local stand-in for the kubelet's readiness probe: Kubernetes' thresholds, and not ready the moment a stop begins. */
class ReadinessProbesTest {
    private static final Duration PERIOD = Duration.ofMillis(20);
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Node NODE = new Node(0, "arcadedb-0");

    @Test
    void theChartsProbeSettingsAreTheOnesUsedByDefault() {
        assertEquals(Duration.ofSeconds(5), ReadinessProbes.PERIOD);
        assertEquals(Duration.ofSeconds(3), ReadinessProbes.TIMEOUT);
        assertEquals(3, ReadinessProbes.FAILURE_THRESHOLD);
        assertEquals(1, ReadinessProbes.SUCCESS_THRESHOLD);
    }

    @Test
    void aNewProcessIsNotReadyUntilAProbeSucceedsAndStaysReadyUntilThreeFailInARow() {
        AtomicInteger status = new AtomicInteger(503);
        AtomicInteger probes = new AtomicInteger();
        try (ReadinessProbes p = new ReadinessProbes(PERIOD)) {
            p.started(0, "pid-1", 1_000, () -> {
                probes.incrementAndGet();
                return status.get();
            });
            assertFalse(p.state(NODE, "pid-1", 1_000, true, "running").ready(), "a new process starts not ready");
            Wait.until("three probes", PERIOD, LIMIT, probes::get, n -> n >= 3);
            assertFalse(p.state(NODE, "pid-1", 1_000, true, "running").ready(), "503 answers keep it not ready");
            status.set(204);
            Target.ServiceState ready = Wait.until("the node ready", PERIOD, LIMIT, () -> p.state(NODE, "pid-1", 1_000, true, "running"),
                    Target.ServiceState::ready);
            assertEquals(1_000, ready.startedMillis());
            assertEquals("probe answered 204", ready.why());
            status.set(503);
            int before = probes.get();
            Wait.until("two failed probes", PERIOD, LIMIT, probes::get, n -> n >= before + 2);
            Target.ServiceState state = p.state(NODE, "pid-1", 1_000, true, "running");
            assertTrue(state.ready() || probes.get() >= before + 3, "one or two failures in a row do not take it out: " + state);
            Wait.until("the node not ready after three failures in a row", PERIOD, LIMIT,
                    () -> p.state(NODE, "pid-1", 1_000, true, "running"), s -> !s.ready());
        }
    }

    @Test
    void aStopTakesTheNodeOutAtOnceAndAnotherIncarnationStartsOverNotReady() {
        try (ReadinessProbes p = new ReadinessProbes(PERIOD)) {
            p.started(0, "pid-1", 1_000, () -> 204);
            Wait.until("the node ready", PERIOD, LIMIT, () -> p.state(NODE, "pid-1", 1_000, true, "running"), Target.ServiceState::ready);
            p.stopping(0, "stopping (SIGTERM)");
            Target.ServiceState stopping = p.state(NODE, "pid-1", 1_000, true, "running");
            assertFalse(stopping.ready(), "a node being stopped is not routed to, even before its process exits");
            assertEquals("stopping (SIGTERM)", stopping.why());
            assertFalse(p.state(NODE, "pid-2", 2_000, true, "running").ready(), "a process the probes have not seen is not ready");
            assertFalse(p.state(NODE, "pid-1", 1_000, false, "exited with code 137").ready());
            assertEquals("exited with code 137", p.state(NODE, "pid-1", 1_000, false, "exited with code 137").why());
        }
    }
}
