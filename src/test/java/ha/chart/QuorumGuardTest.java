package ha.chart;

import ha.support.chart.ChartFixture;

import ha.support.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
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

/** Render-time quorum guards and their messages, and the warnings for even member counts. */
@DisplayName("Quorum guards")
class QuorumGuardTest {

    @Test
    void twoReplicasAreRefusedWithTheReasonAndTheValueThatForcesThem() {
        String err = failure(set("replicaCount", "2"));
        assertAll(
                () -> assertTrue(err.contains("replicaCount=2 gives no fault tolerance"), err),
                () -> assertTrue(err.contains("losing either pod"), err),
                () -> assertTrue(err.contains("loses quorum"), err),
                () -> assertTrue(err.contains("a majority of 2 is 2"), err),
                () -> assertTrue(err.contains("ha.allowTwoReplicas=true"), err));
    }

    @Test
    void twoReplicasRenderWhenExplicitlyAllowedAndNotesWarn() {
        Map<String, String> values = set("replicaCount", "2", "ha.allowTwoReplicas", "true");
        Rendered r = render(values);
        assertEquals(2, r.serverList().size());
        assertEquals(2, r.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal(),
                "no voluntary disruption allowed: both pods are needed");
        String notes = notes(values);
        assertTrue(notes.contains("WARNING: ha.allowTwoReplicas=true: a two-member group has no fault tolerance"), notes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void fewerThanOneReplicaIsRefused(String n) {
        String err = failure(set("replicaCount", n));
        assertTrue(err.contains("at '/replicaCount': minimum: got " + n + ", want 1"), err);
    }

    @ParameterizedTest(name = "replicaCount={0}")
    @ValueSource(ints = {4, 6})
    void evenCountsRenderWithAWarningInNotes(int n) {
        Map<String, String> values = set("replicaCount", String.valueOf(n));
        assertEquals(n, render(values).serverList().size());
        String notes = notes(values);
        assertTrue(notes.contains("WARNING: " + n + " is an even number of Raft members"), notes);
        assertTrue(notes.contains("no more failures than " + (n - 1) + " members"), notes);
        assertTrue(notes.contains("Prefer an odd count"), notes);
    }

    /** The warning for even counts exists only in NOTES; the chart's README and values.yaml say where it is. */
    @Test
    void theDocsSayTheEvenCountWarningIsInTheNotes() throws IOException {
        String readme = Files.readString(ChartFixture.CHART.resolve("README.md"));
        String values = Files.readString(ChartFixture.CHART.resolve("values.yaml"));
        assertTrue(readme.contains("Even member counts render, with a warning in the NOTES that `helm install`"), readme);
        assertTrue(readme.contains("even counts render, with a warning in the NOTES. |"), readme);
        assertTrue(values.contains("even counts render, with a warning in the NOTES."), values);
        assertFalse((readme + values).contains("even counts render with a warning"), "no claim of a warning elsewhere");
    }

    @ParameterizedTest(name = "replicaCount={0}")
    @ValueSource(ints = {1, 3, 5, 7})
    void oddCountsRenderWithoutWarnings(int n) {
        String notes = notes(set("replicaCount", String.valueOf(n), "persistence.enabled", "true"));
        assertFalse(notes.contains("WARNING"), notes);
    }

    /** Every (min, max) pair: it renders exactly when min >= floor(max/2)+1. */
    @ParameterizedTest(name = "min={0} max={1}")
    @CsvSource({"1,3", "2,3", "3,3", "2,4", "3,4", "4,4", "2,5", "3,5", "5,5", "3,6", "4,6", "3,7", "4,7", "4,8", "5,8", "5,9"})
    void autoscalingMustKeepAMajorityOfTheServerList(int min, int max) {
        Map<String, String> values = set("autoscaling.enabled", "true",
                "autoscaling.minReplicas", String.valueOf(min), "autoscaling.maxReplicas", String.valueOf(max));
        int quorum = max / 2 + 1;
        if (min < quorum) {
            String err = failure(values);
            assertAll(
                    () -> assertTrue(err.contains("autoscaling would break the Raft quorum"), err),
                    () -> assertTrue(err.contains("maxReplicas=" + max + " members"), err),
                    () -> assertTrue(err.contains("majority is " + quorum + " pods"), err),
                    () -> assertTrue(err.contains("minReplicas=" + min), err),
                    () -> assertTrue(err.contains("minReplicas must be at least floor(maxReplicas/2)+1 = " + quorum), err));
            return;
        }
        Rendered r = render(values);
        HorizontalPodAutoscaler hpa = r.one(HorizontalPodAutoscaler.class);
        assertAll(
                () -> assertEquals(min, hpa.getSpec().getMinReplicas()),
                () -> assertEquals(max, hpa.getSpec().getMaxReplicas()),
                () -> assertEquals("StatefulSet", hpa.getSpec().getScaleTargetRef().getKind()),
                () -> assertEquals("apps/v1", hpa.getSpec().getScaleTargetRef().getApiVersion()),
                () -> assertEquals(r.fullname(), hpa.getSpec().getScaleTargetRef().getName()),
                () -> assertNull(r.statefulSet().getSpec().getReplicas(), "the autoscaler owns replicas"),
                () -> assertEquals(max, r.serverList().size(), "the server list is sized to maxReplicas"),
                () -> assertEquals("true", r.settings().get("arcadedb.ha.enabled")),
                () -> assertEquals(quorum, r.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()));
        String notes = notes(values);
        assertEquals(max % 2 == 0, notes.contains("is an even number of Raft members"), notes);
    }

    @Test
    void autoscalingWithMaxBelowMinIsRefused() {
        String err = failure(set("autoscaling.enabled", "true", "autoscaling.minReplicas", "5", "autoscaling.maxReplicas", "3"));
        assertTrue(err.contains("autoscaling.maxReplicas (3) must not be below autoscaling.minReplicas (5)"), err);
    }

    @Test
    void autoscalingWithMinZeroIsRefused() {
        String err = failure(set("autoscaling.enabled", "true", "autoscaling.minReplicas", "0", "autoscaling.maxReplicas", "1"));
        assertTrue(err.contains("at '/autoscaling/minReplicas': minimum: got 0, want 1"), err);
    }

    @Test
    void autoscalingToTwoMembersNeedsTheSameExplicitConsent() {
        Map<String, String> values = set("autoscaling.enabled", "true", "autoscaling.minReplicas", "2", "autoscaling.maxReplicas", "2");
        String err = failure(values);
        assertTrue(err.contains("autoscaling.maxReplicas=2 gives a two-member Raft group, which has no fault tolerance"), err);
        assertTrue(err.contains("losing either pod loses quorum"), err);
        assertTrue(err.contains("ha.allowTwoReplicas=true"), err);
        Map<String, String> allowed = set("autoscaling.enabled", "true", "autoscaling.minReplicas", "2",
                "autoscaling.maxReplicas", "2", "ha.allowTwoReplicas", "true");
        assertEquals(2, render(allowed).serverList().size());
    }

    @Test
    void autoscalingIgnoresReplicaCountIncludingTwo() {
        Rendered r = render(set("replicaCount", "2", "autoscaling.enabled", "true"));
        assertEquals(5, r.serverList().size(), "default maxReplicas");
        assertEquals(3, r.one(HorizontalPodAutoscaler.class).getSpec().getMinReplicas());
    }

    @Test
    void autoscalingMetricsFollowTheTargets() {
        List<MetricSpec> cpuOnly = render(set("autoscaling.enabled", "true")).one(HorizontalPodAutoscaler.class).getSpec().getMetrics();
        assertEquals(1, cpuOnly.size());
        assertEquals("cpu", cpuOnly.get(0).getResource().getName());
        assertEquals(80, cpuOnly.get(0).getResource().getTarget().getAverageUtilization());
        assertEquals("Utilization", cpuOnly.get(0).getResource().getTarget().getType());

        List<MetricSpec> both = render(set("autoscaling.enabled", "true", "autoscaling.targetCPUUtilizationPercentage", "60",
                "autoscaling.targetMemoryUtilizationPercentage", "70")).one(HorizontalPodAutoscaler.class).getSpec().getMetrics();
        assertEquals(List.of("cpu=60", "memory=70"), both.stream()
                .map(m -> m.getResource().getName() + "=" + m.getResource().getTarget().getAverageUtilization()).toList());

        List<MetricSpec> memoryOnly = render(set("autoscaling.enabled", "true", "autoscaling.targetCPUUtilizationPercentage", "null",
                "autoscaling.targetMemoryUtilizationPercentage", "75")).one(HorizontalPodAutoscaler.class).getSpec().getMetrics();
        assertEquals(List.of("memory"), memoryOnly.stream().map(m -> m.getResource().getName()).toList());
    }

    @Test
    void noAutoscalerByDefault() {
        Rendered r = render(set());
        assertFalse(r.has(HorizontalPodAutoscaler.class));
        assertEquals(3, r.statefulSet().getSpec().getReplicas());
    }
}
