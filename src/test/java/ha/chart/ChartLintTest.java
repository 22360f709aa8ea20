package ha.chart;

import ha.support.chart.ChartFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ha.support.chart.ChartFixture.Rendered;
import ha.core.Procs;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static ha.support.chart.ChartFixture.renderYaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** helm lint --strict, chart metadata, and every optional object rendered at once. */
@DisplayName("Lint and metadata")
class ChartLintTest {

    /** Every optional object switched on. */
    static final String EVERYTHING = """
            replicaCount: 5
            persistence: {enabled: true}
            networkPolicy: {enabled: true}
            ingress: {enabled: true}
            metrics: {enabled: true, serviceMonitor: {enabled: true}}
            autoscaling: {enabled: true, minReplicas: 4, maxReplicas: 7}
            ha: {readinessRequiresHA: true, snapshotThreshold: 50, logPurgeGap: 4, logSegmentSize: 1MB, replicationLagWarning: 100}
            extraManifests:
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: "{{ .Release.Name }}-extra", namespace: "{{ .Release.Namespace }}", labels: {app.kubernetes.io/instance: "{{ .Release.Name }}", app.kubernetes.io/name: arcadedb}}}
            """;

    @Test
    void helmLintStrictPasses() {
        Procs.Result r = ChartFixture.lint();
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("0 chart(s) failed"), r.stdout());
        assertFalse(r.stdout().contains("[WARNING]") || r.stdout().contains("[ERROR]"), r.stdout());
    }

    /** helm lint only logs a template's fail; the chart's refusals must fail lint too, as they fail helm template. */
    @Test
    void helmLintRefusesWhatHelmTemplateRefuses() {
        for (String value : List.of("replicaCount=2", "auth.secretKey=a b")) {
            Procs.Result lint = Procs.run(List.of(ChartFixture.HELM, "lint", ChartFixture.CHART.toString(), "--set", value), java.time.Duration.ofMinutes(1));
            assertEquals(1, lint.exitCode(), value + ": " + lint.stdout() + lint.stderr());
            assertTrue(lint.stdout().contains("[ERROR] templates/statefulset.yaml"), value + ": " + lint.stdout());
            Procs.Result template = ChartFixture.helm(ChartFixture.NAMESPACE).tryTemplate("test-arcadedb", ChartFixture.CHART,
                    Map.of(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1)), List.of());
            assertEquals(1, template.exitCode(), value + ": " + template.stderr());
            String reason = template.stderr().lines().filter(l -> l.startsWith("Error: execution error")).findFirst().orElse("");
            String said = reason.substring(reason.indexOf("): ") + 3);
            assertTrue(!said.isEmpty() && lint.stdout().replace("\\\"", "\"").contains(said), "lint quotes the reason helm template gives, '" + said + "': " + lint.stdout());
        }
        Procs.Result allowed = Procs.run(List.of(ChartFixture.HELM, "lint", ChartFixture.CHART.toString(), "--set", "replicaCount=2",
                "--set", "ha.allowTwoReplicas=true"), java.time.Duration.ofMinutes(1));
        assertEquals(0, allowed.exitCode(), allowed.stdout() + allowed.stderr());
    }

    @Test
    void chartMetadataPinsArcadedb2681() throws IOException {
        JsonNode chart = new ObjectMapper(new YAMLFactory()).readTree(ChartFixture.CHART.resolve("Chart.yaml").toFile());
        assertEquals("v2", chart.get("apiVersion").asText());
        assertEquals("arcadedb", chart.get("name").asText());
        assertEquals("26.8.1", chart.get("appVersion").asText());
        assertEquals("26.8.1", chart.get("version").asText());
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(ChartFixture.CHART.resolve("values.yaml").toFile());
        assertEquals("arcadedata/arcadedb", values.get("image").get("repository").asText());
        assertEquals("", values.get("image").get("tag").asText(), "the tag defaults to appVersion");
        assertEquals(3, values.get("replicaCount").asInt());
        assertFalse(values.get("persistence").get("enabled").asBoolean());
        assertEquals("cluster.local", values.get("clusterDomain").asText());
        assertEquals("arcadedb", values.get("ha").get("clusterName").asText());
    }

    @Test
    void everyOptionalObjectRendersTogetherWithConsistentMetadata() {
        Rendered r = renderYaml(EVERYTHING);
        Map<String, Long> kinds = r.items().stream().collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting()));
        assertEquals(new TreeSet<>(List.of("StatefulSet", "Service", "Secret", "ServiceAccount", "PodDisruptionBudget",
                "HorizontalPodAutoscaler", "NetworkPolicy", "Ingress", "ServiceMonitor", "ConfigMap")), new TreeSet<>(kinds.keySet()));
        assertEquals(2L, kinds.get("Service"));
        for (HasMetadata o : r.items()) {
            assertEquals("default", o.getMetadata().getNamespace(), o.getKind());
            assertEquals("test-arcadedb", o.getMetadata().getLabels().get("app.kubernetes.io/instance"), o.getKind());
            assertEquals("arcadedb", o.getMetadata().getLabels().get("app.kubernetes.io/name"), o.getKind());
            assertTrue(o instanceof GenericKubernetesResource == o.getKind().equals("ServiceMonitor"),
                    () -> o.getKind() + " is loaded as a typed model");
        }
        assertEquals(7, r.serverList().size());
        assertEquals(3, r.statefulSet().getSpec().getVolumeClaimTemplates().size());
    }
}
