package ha.chart;

import ha.support.chart.ChartFixture;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static ha.support.chart.ChartFixture.failure;
import static ha.support.chart.ChartFixture.notes;
import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Liveness, readiness and startup probes, and the opt-in HA-aware readiness. */
@DisplayName("Probes and HA-aware readiness")
class ProbesTest {

    private static void assertHttpGet(Probe p, String path) {
        assertEquals(path, p.getHttpGet().getPath());
        assertEquals("http", p.getHttpGet().getPort().getStrVal(), "the named http port follows service.http.port");
        assertNull(p.getExec());
        assertNull(p.getTcpSocket());
    }

    @Test
    void defaultProbesUseHealthForLivenessAndStartupAndReadyForReadiness() {
        Container c = render(set()).container();
        Probe live = c.getLivenessProbe();
        Probe ready = c.getReadinessProbe();
        Probe startup = c.getStartupProbe();
        assertHttpGet(live, "/api/v1/health");
        assertHttpGet(ready, "/api/v1/ready");
        assertHttpGet(startup, "/api/v1/health");
        assertAll(
                () -> assertEquals(10, live.getPeriodSeconds()),
                () -> assertEquals(5, live.getTimeoutSeconds()),
                () -> assertEquals(6, live.getFailureThreshold()),
                () -> assertEquals(0, live.getInitialDelaySeconds()),
                () -> assertEquals(5, ready.getPeriodSeconds()),
                () -> assertEquals(3, ready.getTimeoutSeconds()),
                () -> assertEquals(3, ready.getFailureThreshold()),
                () -> assertEquals(1, ready.getSuccessThreshold()),
                () -> assertEquals(5, startup.getInitialDelaySeconds()),
                () -> assertEquals(5, startup.getPeriodSeconds()),
                () -> assertEquals(3, startup.getTimeoutSeconds()),
                () -> assertTrue(startup.getPeriodSeconds() * startup.getFailureThreshold() >= 300,
                        "a slow first start gets at least 5 minutes"));
    }

    @Test
    void everyProbeTimingIsAValue() {
        Container c = render(set(
                "probes.startup.initialDelaySeconds", "11", "probes.startup.periodSeconds", "12",
                "probes.startup.timeoutSeconds", "13", "probes.startup.failureThreshold", "14",
                "probes.liveness.initialDelaySeconds", "21", "probes.liveness.periodSeconds", "22",
                "probes.liveness.timeoutSeconds", "23", "probes.liveness.failureThreshold", "24",
                "probes.readiness.initialDelaySeconds", "31", "probes.readiness.periodSeconds", "32",
                "probes.readiness.timeoutSeconds", "33", "probes.readiness.failureThreshold", "34",
                "probes.readiness.successThreshold", "35")).container();
        Probe s = c.getStartupProbe();
        Probe l = c.getLivenessProbe();
        Probe r = c.getReadinessProbe();
        assertEquals("11 12 13 14", s.getInitialDelaySeconds() + " " + s.getPeriodSeconds() + " " + s.getTimeoutSeconds() + " " + s.getFailureThreshold());
        assertEquals("21 22 23 24", l.getInitialDelaySeconds() + " " + l.getPeriodSeconds() + " " + l.getTimeoutSeconds() + " " + l.getFailureThreshold());
        assertEquals("31 32 33 34 35", r.getInitialDelaySeconds() + " " + r.getPeriodSeconds() + " " + r.getTimeoutSeconds() + " "
                + r.getFailureThreshold() + " " + r.getSuccessThreshold());
    }

    @ParameterizedTest
    @ValueSource(strings = {"startup", "liveness", "readiness"})
    void eachProbeCanBeTurnedOff(String probe) {
        Container c = render(set("probes." + probe + ".enabled", "false")).container();
        assertEquals(!probe.equals("startup"), c.getStartupProbe() != null);
        assertEquals(!probe.equals("liveness"), c.getLivenessProbe() != null);
        assertEquals(!probe.equals("readiness"), c.getReadinessProbe() != null);
    }

    /** A member whose HA plugin failed, or that is not caught up, must not count as Ready for an HA install. */
    @Test
    void haAwareReadinessIsOnByDefaultForHa() {
        Map<String, String> s = render(set()).settings();
        assertEquals("true", s.get("arcadedb.server.readinessRequiresHA"));
        assertEquals("100", s.get("arcadedb.server.readinessHAMaxLag"));
        assertEquals("true", s.get("arcadedb.ha.enabled"), "the server gates readiness only with an explicit ha.enabled");
    }

    @Test
    void haAwareReadinessCanBeTurnedOff() {
        Map<String, String> s = render(set("ha.readinessRequiresHA", "false")).settings();
        assertFalse(s.containsKey("arcadedb.server.readinessRequiresHA"));
        assertFalse(s.containsKey("arcadedb.server.readinessHAMaxLag"));
    }

    @Test
    void haAwareReadinessPassesBothSettingsAndSetsHaEnabledExplicitly() {
        Map<String, String> s = render(set("ha.readinessRequiresHA", "true")).settings();
        assertAll(
                () -> assertEquals("true", s.get("arcadedb.server.readinessRequiresHA")),
                () -> assertEquals("100", s.get("arcadedb.server.readinessHAMaxLag")),
                () -> assertEquals("true", s.get("arcadedb.ha.enabled"), "the server gates readiness only with an explicit ha.enabled"));
        assertEquals("25", render(set("ha.readinessRequiresHA", "true", "ha.readinessHAMaxLag", "25")).settings()
                .get("arcadedb.server.readinessHAMaxLag"));
        assertEquals("0", render(set("ha.readinessRequiresHA", "true", "ha.readinessHAMaxLag", "0")).settings()
                .get("arcadedb.server.readinessHAMaxLag"));
    }

    @Test
    void haAwareReadinessWithoutHaIsNotPassed() {
        Map<String, String> values = set("replicaCount", "1", "ha.readinessRequiresHA", "true");
        assertFalse(render(values).settings().containsKey("arcadedb.server.readinessRequiresHA"));
        // persistence on: a single server without it gets the persistence warning, which is not about readiness
        assertFalse(notes(set("replicaCount", "1", "ha.readinessRequiresHA", "true", "persistence.enabled", "true")).contains("WARNING"),
                "the default is no mistake on a single server");
    }

    @Test
    void haAwareReadinessWorksForAForcedSingleMember() {
        Map<String, String> s = render(set("replicaCount", "1", "ha.forceEnabled", "true", "ha.readinessRequiresHA", "true")).settings();
        assertEquals("true", s.get("arcadedb.server.readinessRequiresHA"));
        assertEquals("true", s.get("arcadedb.ha.enabled"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"-1|minimum: got -1, want 0", "abc|'abc' does not match pattern", "1.5|got number, want integer or string"})
    void aNegativeOrNonIntegerMaxLagIsRefused(String lag, String message) {
        String err = failure(set(), "ha:\n  readinessRequiresHA: true\n  readinessHAMaxLag: " + lag + "\n");
        assertTrue(err.contains("at '/ha/readinessHAMaxLag': " + message), err);
    }
}
