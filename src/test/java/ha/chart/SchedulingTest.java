package ha.chart;

import ha.support.chart.ChartFixture;

import ha.support.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static ha.support.chart.ChartFixture.failure;
import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.renderYaml;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anti-affinity, topology spread, node placement and the disruption budget's switches. */
@DisplayName("Scheduling and disruption")
class SchedulingTest {

    @Test
    void softAntiAffinityByDefault() {
        Rendered r = render(set());
        Affinity a = r.pod().getAffinity();
        assertNull(a.getNodeAffinity());
        assertNull(a.getPodAffinity());
        assertTrue(a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null
                || a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty());
        List<WeightedPodAffinityTerm> preferred = a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertEquals(1, preferred.size());
        assertEquals(100, preferred.get(0).getWeight());
        PodAffinityTerm term = preferred.get(0).getPodAffinityTerm();
        assertEquals("kubernetes.io/hostname", term.getTopologyKey());
        assertEquals(r.statefulSet().getSpec().getSelector().getMatchLabels(), term.getLabelSelector().getMatchLabels());
    }

    @Test
    void hardAntiAffinityWithACustomTopologyKey() {
        Rendered r = render(set("podAntiAffinityPreset", "hard", "podAntiAffinityTopologyKey", "topology.kubernetes.io/zone"));
        var anti = r.pod().getAffinity().getPodAntiAffinity();
        assertTrue(anti.getPreferredDuringSchedulingIgnoredDuringExecution() == null
                || anti.getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty());
        PodAffinityTerm term = anti.getRequiredDuringSchedulingIgnoredDuringExecution().get(0);
        assertEquals("topology.kubernetes.io/zone", term.getTopologyKey());
        assertEquals(r.statefulSet().getSpec().getSelector().getMatchLabels(), term.getLabelSelector().getMatchLabels());
    }

    @Test
    void noAntiAffinityWhenThePresetIsNone() {
        assertNull(render(set("podAntiAffinityPreset", "none")).pod().getAffinity());
    }

    @Test
    void anUnknownPresetIsRefused() {
        String err = failure(set("podAntiAffinityPreset", "sometimes"));
        assertTrue(err.contains("at '/podAntiAffinityPreset': value must be one of 'soft', 'hard', 'none'"), err);
    }

    @Test
    void anExplicitAffinityReplacesThePreset() {
        Rendered r = renderYaml("""
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms:
                        - matchExpressions:
                            - {key: disk, operator: In, values: [ssd]}
                """);
        Affinity a = r.pod().getAffinity();
        assertNull(a.getPodAntiAffinity());
        assertEquals("disk", a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getKey());
    }

    @Test
    void topologySpreadConstraintsGetTheReleaseSelectorUnlessTheyHaveOne() {
        Rendered r = renderYaml("""
                topologySpreadConstraints:
                  - maxSkew: 1
                    topologyKey: topology.kubernetes.io/zone
                    whenUnsatisfiable: ScheduleAnyway
                  - maxSkew: 2
                    topologyKey: kubernetes.io/hostname
                    whenUnsatisfiable: DoNotSchedule
                    labelSelector:
                      matchLabels: {team: graphs}
                """);
        List<TopologySpreadConstraint> tsc = r.pod().getTopologySpreadConstraints();
        assertEquals(2, tsc.size());
        assertEquals("topology.kubernetes.io/zone", tsc.get(0).getTopologyKey());
        assertEquals(1, tsc.get(0).getMaxSkew());
        assertEquals("ScheduleAnyway", tsc.get(0).getWhenUnsatisfiable());
        assertEquals(r.statefulSet().getSpec().getSelector().getMatchLabels(), tsc.get(0).getLabelSelector().getMatchLabels());
        assertEquals(Map.of("team", "graphs"), tsc.get(1).getLabelSelector().getMatchLabels());
        assertEquals("DoNotSchedule", tsc.get(1).getWhenUnsatisfiable());
    }

    @Test
    void noTopologySpreadByDefault() {
        var tsc = render(set()).pod().getTopologySpreadConstraints();
        assertTrue(tsc == null || tsc.isEmpty());
    }

    @Test
    void nodeSelectorTolerationsAndPriorityClassAreValues() {
        Rendered r = renderYaml("""
                nodeSelector: {kubernetes.io/arch: amd64, pool: databases}
                tolerations:
                  - {key: dedicated, operator: Equal, value: db, effect: NoSchedule}
                priorityClassName: db-critical
                """);
        assertEquals(Map.of("kubernetes.io/arch", "amd64", "pool", "databases"), r.pod().getNodeSelector());
        Toleration t = r.pod().getTolerations().get(0);
        assertEquals("dedicated", t.getKey());
        assertEquals("Equal", t.getOperator());
        assertEquals("db", t.getValue());
        assertEquals("NoSchedule", t.getEffect());
        assertEquals("db-critical", r.pod().getPriorityClassName());
    }

    @Test
    void nothingPlacementRelatedIsSetByDefault() {
        Rendered r = render(set());
        assertTrue(r.pod().getNodeSelector() == null || r.pod().getNodeSelector().isEmpty());
        assertTrue(r.pod().getTolerations() == null || r.pod().getTolerations().isEmpty());
        assertNull(r.pod().getPriorityClassName());
    }

    @Test
    void theDisruptionBudgetCanBeTurnedOffOrAllowEvictingUnhealthyPods() {
        assertFalse(render(set("podDisruptionBudget.enabled", "false")).has(PodDisruptionBudget.class));
        PodDisruptionBudget pdb = render(set("podDisruptionBudget.unhealthyPodEvictionPolicy", "AlwaysAllow")).one(PodDisruptionBudget.class);
        assertEquals("AlwaysAllow", pdb.getSpec().getUnhealthyPodEvictionPolicy());
        assertNull(render(set()).one(PodDisruptionBudget.class).getSpec().getUnhealthyPodEvictionPolicy());
    }
}
