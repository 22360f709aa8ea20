package ha.chart;

import ha.support.chart.ChartFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ha.support.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static ha.support.chart.ChartFixture.failure;
import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.renderYaml;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image, command, settings, environment, JVM, resources and pod metadata. */
@DisplayName("Container and pod values")
class ContainerValuesTest {

    @Test
    void imageDefaultsToArcadedbAtTheAppVersion() {
        Container c = render(set()).container();
        assertEquals("docker.io/arcadedata/arcadedb:26.8.1", c.getImage());
        assertEquals("IfNotPresent", c.getImagePullPolicy());
    }

    @Test
    void imageRegistryRepositoryTagAndPullPolicyAreValues() {
        Container c = render(set("image.registry", "registry.example.org", "image.repository", "mirror/arcadedb",
                "image.tag", "26.9.1", "image.pullPolicy", "Always")).container();
        assertEquals("registry.example.org/mirror/arcadedb:26.9.1", c.getImage());
        assertEquals("Always", c.getImagePullPolicy());
        assertEquals("arcadedata/arcadedb:latest", render(set("image.registry", "", "image.tag", "latest")).container().getImage());
    }

    @Test
    void aDigestPinsTheImage() {
        String digest = "sha256:" + "a".repeat(64);
        assertEquals("docker.io/arcadedata/arcadedb@" + digest, render(set("image.digest", digest)).container().getImage());
    }

    @Test
    void pullSecretsAcceptNamesAndObjects() {
        Rendered r = renderYaml("imagePullSecrets: [regcred, {name: other}]\n");
        assertEquals(List.of("regcred", "other"), r.pod().getImagePullSecrets().stream().map(LocalObjectReference::getName).toList());
        var none = render(set()).pod().getImagePullSecrets();
        assertTrue(none == null || none.isEmpty());
    }

    @Test
    void commandRunsServerShAndEveryArgumentIsOneSetting() {
        Rendered r = render(set());
        assertEquals(List.of("/home/arcadedb/bin/server.sh"), r.container().getCommand());
        Map<String, String> s = r.settings(); // asserts every argument is one unique -Dkey=value
        assertEquals(r.args().size(), s.size());
        assertAll(
                () -> assertEquals("production", s.get("arcadedb.server.mode")),
                () -> assertEquals("2480", s.get("arcadedb.server.httpIncomingPort")),
                () -> assertFalse(s.containsKey("arcadedb.dumpConfigAtStartup")),
                () -> assertFalse(s.containsKey("arcadedb.server.defaultDatabases")),
                () -> assertFalse(s.containsKey("arcadedb.server.plugins")),
                () -> assertFalse(s.containsKey("arcadedb.serverMetrics")));
    }

    @Test
    void serverValuesBecomeSettings() {
        Rendered r = renderYaml("""
                server:
                  mode: development
                  defaultDatabases: "Shop[reader]"
                  dumpConfigAtStartup: true
                  plugins: ["Postgres:com.arcadedb.postgres.PostgresProtocolPlugin", "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"]
                """);
        Map<String, String> s = r.settings();
        assertEquals("development", s.get("arcadedb.server.mode"));
        assertEquals("Shop[reader]", s.get("arcadedb.server.defaultDatabases"));
        assertEquals("true", s.get("arcadedb.dumpConfigAtStartup"));
        assertEquals("Postgres:com.arcadedb.postgres.PostgresProtocolPlugin,Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
                s.get("arcadedb.server.plugins"));
    }

    @Test
    void haTuningIsRenderedOnlyWhenSet() {
        Map<String, String> defaults = render(set()).settings();
        for (String key : List.of("snapshotThreshold", "logPurgeGap", "logSegmentSize", "replicationLagWarning")) {
            assertFalse(defaults.containsKey("arcadedb.ha." + key), key);
        }
        Map<String, String> s = render(set("ha.snapshotThreshold", "50", "ha.logPurgeGap", "4", "ha.logSegmentSize", "1MB",
                "ha.replicationLagWarning", "200")).settings();
        assertAll(
                () -> assertEquals("50", s.get("arcadedb.ha.snapshotThreshold")),
                () -> assertEquals("4", s.get("arcadedb.ha.logPurgeGap")),
                () -> assertEquals("1MB", s.get("arcadedb.ha.logSegmentSize")),
                () -> assertEquals("200", s.get("arcadedb.ha.replicationLagWarning")));
    }

    @Test
    void haTuningFromAValuesFileKeepsWholeNumbers() {
        Map<String, String> s = renderYaml("ha: {snapshotThreshold: 1000000, logPurgeGap: 0, replicationLagWarning: 2500}\n").settings();
        assertEquals("1000000", s.get("arcadedb.ha.snapshotThreshold"), "no 1e+06");
        assertEquals("0", s.get("arcadedb.ha.logPurgeGap"));
        assertEquals("2500", s.get("arcadedb.ha.replicationLagWarning"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"snapshotThreshold,-5,'minimum: got -5, want 0'", "logPurgeGap,ten,'does not match pattern'",
            "replicationLagWarning,2.5,'got number, want null or integer or string'"})
    void haTuningMustBeWholeNumbers(String key, String value, String message) {
        String err = failure(set(), "ha:\n  " + key + ": " + value + "\n");
        assertTrue(err.contains("at '/ha/" + key + "': ") && err.contains(message), err);
    }

    @Test
    void aMalformedLogSegmentSizeIsRefused() {
        String err = failure(set("ha.logSegmentSize", "lots"));
        assertTrue(err.contains("ha.logSegmentSize must be a size such as 1MB"), err);
    }

    @Test
    void haTuningIsNotPassedWithoutHa() {
        Map<String, String> s = render(set("replicaCount", "1", "ha.snapshotThreshold", "50")).settings();
        assertFalse(s.containsKey("arcadedb.ha.snapshotThreshold"));
    }

    @Test
    void extraSettingsBecomeSortedDArgumentsAfterTheChartsOwn() {
        Rendered r = renderYaml("""
                extraSettings:
                  arcadedb.ha.logVerbose: 2
                  arcadedb.ha.electionTimeoutMin: 3000
                  arcadedb.ha.quorum: majority
                  arcadedb.server.httpsIncomingPort: 2490
                  arcadedb.ha.peerAllowlist.enabled: false
                """);
        List<String> args = r.args();
        List<String> tail = args.subList(args.size() - 5, args.size());
        assertEquals(List.of("-Darcadedb.ha.electionTimeoutMin=3000", "-Darcadedb.ha.logVerbose=2",
                "-Darcadedb.ha.peerAllowlist.enabled=false", "-Darcadedb.ha.quorum=majority",
                "-Darcadedb.server.httpsIncomingPort=2490"), tail);
        assertEquals(args.size(), r.settings().size());
    }

    /** A sample of the settings the chart owns, one per kind, with the value the error message points to. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "arcadedb.server.name|always the pod name",
            "arcadedb.server.databaseDirectory|the chart fixes the paths",
            "arcadedb.server.httpIncomingPort|service.http.port",
            "arcadedb.serverMetrics|metrics.enabled",
            "arcadedb.ha.serverList|replicaCount (or autoscaling.maxReplicas) and clusterDomain",
            "arcadedb.ha.raftStorageDirectory|the chart mounts the raft volume there",
            "arcadedb.ha.snapshotThreshold|ha.snapshotThreshold"})
    void extraSettingsCannotOverrideWhatTheChartManages(String key, String pointer) {
        String err = failure(set(), "extraSettings:\n  " + key + ": x\n");
        assertTrue(err.contains("extraSettings must not set " + key + ": the chart sets it; use"), err);
        assertTrue(err.contains(pointer), err);
    }

    /** Every setting the chart can render is in the refused list that the guard above reads. */
    @Test
    void everySettingTheChartRendersIsRefusedInExtraSettings() throws IOException {
        String helpers = Files.readString(ChartFixture.CHART.resolve("templates/_helpers.tpl"));
        String start = "{{- define \"arcadedb.managedSettings\" -}}";
        int from = helpers.indexOf(start) + start.length();
        String block = helpers.substring(from, helpers.indexOf("{{- end -}}", from));
        JsonNode managed = new ObjectMapper(new YAMLFactory()).readTree(block);
        Rendered r = renderYaml(ChartLintTest.EVERYTHING + """
                server: {defaultDatabases: "Shop[reader]", dumpConfigAtStartup: true, plugins: ["A:b.C"]}
                """);
        for (String key : r.settings().keySet()) {
            assertTrue(managed.has(key), () -> key + " is rendered by the chart but not refused in extraSettings");
        }
        for (String secret : List.of("arcadedb.server.rootPassword", "arcadedb.ha.clusterToken")) {
            assertTrue(managed.has(secret), secret);
        }
        managed.fields().forEachRemaining(e -> assertFalse(e.getValue().asText().isBlank(), e.getKey()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"-Xmx4G\"", "\"bad key\""})
    void extraSettingsKeysMustBeSettingNames(String key) {
        String err = failure(set(), "extraSettings:\n  " + key + ": x\n");
        assertTrue(err.contains("is not a setting name"), err);
    }

    @Test
    void environmentHasTheChartsVariablesThenExtraEnv() {
        Rendered r = renderYaml("""
                extraEnv:
                  - {name: TZ, value: Europe/Rome}
                  - name: _JAVA_LAUNCHER_DEBUG
                    value: "1"
                  - name: NODE
                    valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
                """);
        List<String> names = r.container().getEnv().stream().map(e -> e.getName()).toList();
        assertEquals(List.of("HOSTNAME", "ARCADEDB_PID", "ARCADEDB_LOG_DIR",
                "ARCADEDB_OPTS_MEMORY", "ARCADEDB_JMX", "TZ", "_JAVA_LAUNCHER_DEBUG", "NODE"), names);
        assertEquals("Europe/Rome", r.env("TZ").orElseThrow().getValue());
        assertEquals("spec.nodeName", r.env("NODE").orElseThrow().getValueFrom().getFieldRef().getFieldPath());
    }

    /** bin/server.sh runs under sh, which drops such names: the setting would silently never reach the server. */
    @ParameterizedTest
    @ValueSource(strings = {"arcadedb.ha.logVerbose", "my-var", "1ST"})
    void extraEnvNamesMustSurviveTheStartScriptsShell(String name) {
        String err = failure(set(), "extraEnv:\n  - {name: " + name + ", value: \"1\"}\n");
        assertTrue(err.contains("extraEnv name \"" + name + "\" is not a shell variable name"), err);
        assertTrue(err.contains("extraSettings"), err);
    }

    @Test
    void extraEnvCannotReplaceHostname() {
        String err = failure(set(), "extraEnv:\n  - {name: HOSTNAME, value: x}\n");
        assertTrue(err.contains("extraEnv must not set HOSTNAME"), err);
    }

    @Test
    void jvmMemoryOptionsAndJmxAreValues() {
        Rendered defaults = render(set());
        assertEquals("-Xms512M -Xmx1G", defaults.env("ARCADEDB_OPTS_MEMORY").orElseThrow().getValue());
        assertTrue(defaults.env("JAVA_OPTS").isEmpty(), "the image's JAVA_OPTS stay");
        assertEquals("-Dcom.sun.management.jmxremote.local.only=true", defaults.env("ARCADEDB_JMX").orElseThrow().getValue(),
                "non-empty so server.sh does not start the remote JMX agent");

        Rendered custom = render(set("jvm.memory", "-Xms2G -Xmx2G", "jvm.javaOpts", "-XX:+UseG1GC", "jvm.jmx", "true"));
        assertEquals("-Xms2G -Xmx2G", custom.env("ARCADEDB_OPTS_MEMORY").orElseThrow().getValue());
        assertEquals("-XX:+UseG1GC", custom.env("JAVA_OPTS").orElseThrow().getValue());
        assertTrue(custom.env("ARCADEDB_JMX").isEmpty());

        assertTrue(render(set("jvm.memory", "")).env("ARCADEDB_OPTS_MEMORY").isEmpty());
    }

    @Test
    void resourcesAreValues() {
        Container defaults = render(set()).container();
        assertEquals(new Quantity("250m"), defaults.getResources().getRequests().get("cpu"));
        assertEquals(new Quantity("1Gi"), defaults.getResources().getRequests().get("memory"));
        assertEquals(new Quantity("2Gi"), defaults.getResources().getLimits().get("memory"));
        assertNull(defaults.getResources().getLimits().get("cpu"), "no CPU limit: no throttling of Raft heartbeats");

        Container custom = render(set("resources.requests.cpu", "2", "resources.limits.cpu", "4", "resources.limits.memory", "8Gi")).container();
        assertEquals(new Quantity("2"), custom.getResources().getRequests().get("cpu"));
        assertEquals(new Quantity("4"), custom.getResources().getLimits().get("cpu"));
        assertEquals(new Quantity("8Gi"), custom.getResources().getLimits().get("memory"));
    }

    @Test
    void podAnnotationsAndLabelsAreAddedWithoutTouchingTheSelector() {
        Rendered r = render(set("podAnnotations.prometheus\\.io/scrape", "false", "podLabels.team", "graphs"));
        var meta = r.statefulSet().getSpec().getTemplate().getMetadata();
        assertEquals("false", meta.getAnnotations().get("prometheus.io/scrape"));
        assertEquals("graphs", meta.getLabels().get("team"));
        assertEquals(Map.of("app.kubernetes.io/name", "arcadedb", "app.kubernetes.io/instance", "test-arcadedb"),
                r.statefulSet().getSpec().getSelector().getMatchLabels());
        var none = render(set()).statefulSet().getSpec().getTemplate().getMetadata().getAnnotations();
        assertTrue(none == null || none.isEmpty());
    }

    @Test
    void standardLabelsAreOnThePods() {
        Map<String, String> labels = render(set()).statefulSet().getSpec().getTemplate().getMetadata().getLabels();
        assertEquals("26.8.1", labels.get("app.kubernetes.io/version"));
        assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"));
        assertEquals("arcadedb-26.8.1", labels.get("helm.sh/chart"));
    }

    @Test
    void gracePeriodAndUpdateStrategyAreValues() {
        Rendered defaults = render(set());
        assertEquals(60L, defaults.pod().getTerminationGracePeriodSeconds());
        assertEquals("RollingUpdate", defaults.statefulSet().getSpec().getUpdateStrategy().getType());
        Rendered custom = renderYaml("terminationGracePeriodSeconds: 120\nupdateStrategy: {type: OnDelete}\n");
        assertEquals(120L, custom.pod().getTerminationGracePeriodSeconds());
        assertEquals("OnDelete", custom.statefulSet().getSpec().getUpdateStrategy().getType());
        Rendered partitioned = renderYaml("updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}\n");
        assertEquals(2, partitioned.statefulSet().getSpec().getUpdateStrategy().getRollingUpdate().getPartition());
    }

    @Test
    void metricsLoadThePrometheusPluginAfterOtherPlugins() {
        Rendered r = renderYaml("""
                metrics: {enabled: true}
                server: {plugins: ["Postgres:com.arcadedb.postgres.PostgresProtocolPlugin"]}
                """);
        Map<String, String> s = r.settings();
        assertEquals("true", s.get("arcadedb.serverMetrics"));
        assertEquals("true", s.get("arcadedb.serverMetrics.prometheus.requireAuthentication"));
        assertEquals("Postgres:com.arcadedb.postgres.PostgresProtocolPlugin,Prometheus:com.arcadedb.metrics.prometheus.PrometheusMetricsPlugin",
                s.get("arcadedb.server.plugins"));
        assertEquals("false", render(set("metrics.enabled", "true", "metrics.requireAuthentication", "false")).settings()
                .get("arcadedb.serverMetrics.prometheus.requireAuthentication"));
    }

    @Test
    void argumentOrderIsStable() {
        List<String> keys = new ArrayList<>(render(set("ha.snapshotThreshold", "9", "ha.readinessRequiresHA", "true")).settings().keySet());
        assertEquals(List.of("arcadedb.server.name", "arcadedb.server.rootPath", "arcadedb.server.databaseDirectory",
                "arcadedb.server.logsDirectory", "arcadedb.server.rootPasswordPath", "arcadedb.server.httpIncomingPort",
                "arcadedb.server.mode", "arcadedb.ha.enabled", "arcadedb.ha.k8s", "arcadedb.ha.k8sSuffix", "arcadedb.ha.serverList",
                "arcadedb.ha.raftPort", "arcadedb.ha.clusterName", "arcadedb.ha.raftStorageDirectory",
                "arcadedb.ha.clusterTokenPath", "arcadedb.ha.snapshotThreshold", "arcadedb.server.readinessRequiresHA", "arcadedb.server.readinessHAMaxLag"), keys);
    }
}
