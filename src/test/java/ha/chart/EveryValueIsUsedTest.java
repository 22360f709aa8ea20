package ha.chart;

import ha.support.chart.ChartFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ha.core.Procs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No dead values: changing any scalar value of values.yaml changes what helm renders (or makes it fail on
 * purpose). Lists and maps are covered by the value-specific tests. Renders run two at a time.
 */
@DisplayName("Every scalar value has an effect")
class EveryValueIsUsedTest {
    /** Base with every optional part on, so that the values of those parts are live. */
    private static final String BASE = """
            replicaCount: 5
            persistence: {enabled: true}
            networkPolicy: {enabled: true}
            ingress: {enabled: true}
            metrics: {enabled: true, serviceMonitor: {enabled: true}}
            ha: {readinessRequiresHA: true}
            """;
    private static final String AUTOSCALED = BASE + "autoscaling: {enabled: true, minReplicas: 4, maxReplicas: 7}\n";
    /** Values that only act in a particular setting, with the --set that makes them act. */
    private static final Map<String, Map<String, String>> CONTEXT = Map.of(
            "ha.allowTwoReplicas", Map.of("replicaCount", "2"),
            "ha.forceEnabled", Map.of("replicaCount", "1"));
    /** The generated password and token differ on every render: not a difference that counts. */
    private static final Pattern RANDOM_PASSWORD = Pattern.compile("(?m)^(\\s+[-._A-Za-z0-9]+): \"[A-Za-z0-9+/]{40,}={0,2}\"$");

    private static void scalarLeaves(String prefix, JsonNode node, Map<String, JsonNode> out) {
        node.fields().forEachRemaining(e -> {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject() && e.getValue().size() > 0) {
                scalarLeaves(key, e.getValue(), out);
            } else if (!e.getValue().isContainerNode()) {
                out.put(key, e.getValue());
            }
        });
    }

    private static String mutate(JsonNode v) {
        if (v.isBoolean()) {
            return String.valueOf(!v.asBoolean());
        }
        if (v.isNumber()) {
            return String.valueOf(v.asLong() + 1);
        }
        if (v.isNull()) {
            return "7";
        }
        return v.asText() + "x";
    }

    private static String outcome(Procs.Result r) {
        return r.ok() ? RANDOM_PASSWORD.matcher(r.stdout()).replaceAll("$1: <random>") : "FAILED " + r.stderr();
    }

    @TestFactory
    List<DynamicTest> changingAValueChangesTheRenderedChart() throws IOException, InterruptedException, ExecutionException {
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        scalarLeaves("", new ObjectMapper(new YAMLFactory()).readTree(ChartFixture.CHART.resolve("values.yaml").toFile()), leaves);
        assertTrue(leaves.size() > 80, "scalar leaves: " + leaves.size());

        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, JsonNode> baseTrees = Map.of(BASE, yaml.readTree(BASE), AUTOSCALED, yaml.readTree(AUTOSCALED));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<String, Future<String>> unchanged = new ConcurrentHashMap<>();
            Map<String, Future<String[]>> results = new LinkedHashMap<>();
            leaves.forEach((key, value) -> {
                String base = key.startsWith("autoscaling.") ? AUTOSCALED : BASE;
                JsonNode inBase = baseTrees.get(base).at("/" + key.replace('.', '/'));
                String mutated = mutate(inBase.isMissingNode() ? value : inBase);
                Map<String, String> context = CONTEXT.getOrDefault(key, Map.of());
                Future<String> before = unchanged.computeIfAbsent(base + context,
                        k -> pool.submit(() -> outcome(ChartFixture.attempt(context, base))));
                Map<String, String> changed = new LinkedHashMap<>(context);
                changed.put(key, mutated);
                results.put(key, pool.submit(() -> new String[] {
                    before.get(), outcome(ChartFixture.attempt(changed, base)), mutated}));
            });
            List<DynamicTest> tests = new ArrayList<>();
            for (var e : results.entrySet()) {
                String[] r = e.getValue().get();
                tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                    assertFalse(r[0].startsWith("FAILED") && r[1].startsWith("FAILED"), () -> "base render failed: " + r[0]);
                    assertFalse(r[0].equals(r[1]), () -> e.getKey() + "=" + r[2] + " changed nothing in the rendered chart");
                }));
            }
            return tests;
        } finally {
            pool.shutdownNow();
        }
    }
}
