package ha.chart;

import ha.support.chart.ChartFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ha.core.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * values.schema.json makes helm itself refuse mistyped keys and wrong types, and it describes exactly the keys
 * of values.yaml (and so of the README values table).
 */
@DisplayName("values.schema.json")
class ValuesSchemaTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| `([^`]*)` \\| (.+) \\|$");
    /** Keys helm itself may pass that values.yaml does not define. */
    private static final Set<String> HELM_KEYS = Set.of("global");
    /** Values passed to Kubernetes as they are: the schema checks their defaults' types but accepts any other field. */
    private static final Set<String> KUBERNETES_SHAPED = Set.of("resources", "podSecurityContext", "containerSecurityContext",
            "updateStrategy");

    private static JsonNode schema() throws IOException {
        return new ObjectMapper().readTree(ChartFixture.CHART.resolve("values.schema.json").toFile());
    }

    private static JsonNode values() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(ChartFixture.CHART.resolve("values.yaml").toFile());
    }

    /** Paths of the chart's own (closed) objects in the schema, and of every key values.yaml descends into. */
    private static void compare(String path, JsonNode schema, JsonNode values, List<String> problems) {
        JsonNode props = schema.get("properties");
        if (props == null) {
            if (values.isObject() && values.size() > 0) {
                problems.add(path + ": values.yaml has keys " + fieldNames(values) + " but the schema describes none");
            }
            return;
        }
        boolean kubernetesShaped = KUBERNETES_SHAPED.stream().anyMatch(k -> path.equals(k) || path.startsWith(k + "."));
        if (!schema.path("additionalProperties").isBoolean()) {
            problems.add(path + ": additionalProperties must be said explicitly");
        } else if (schema.get("additionalProperties").asBoolean() != kubernetesShaped) {
            problems.add(path + (kubernetesShaped ? ": a Kubernetes-shaped value stays open (additionalProperties: true)"
                    : ": a chart-defined object must say additionalProperties: false"));
        }
        if (values.isObject() && values.isEmpty()) {
            return; // an empty default map (e.g. retentionPolicy: {}): the schema names the fields it may hold
        }
        Set<String> inSchema = fieldNames(props);
        Set<String> inValues = values.isObject() ? fieldNames(values) : Set.of();
        for (String key : inValues) {
            if (!inSchema.contains(key)) {
                problems.add(join(path, key) + " is in values.yaml but not in the schema");
            }
        }
        for (String key : inSchema) {
            if (!inValues.contains(key) && !(path.isEmpty() && HELM_KEYS.contains(key))) {
                problems.add(join(path, key) + " is in the schema but not in values.yaml");
            } else if (inValues.contains(key)) {
                compare(join(path, key), props.get(key), values.get(key), problems);
            }
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A small check of a default against the schema node: its JSON type (and enum) is one the schema allows. */
    private static String typeProblem(String key, JsonNode node, JsonNode value) {
        List<String> allowed = new ArrayList<>();
        JsonNode type = node.get("type");
        if (type == null) {
            return null;
        }
        if (type.isArray()) {
            type.forEach(t -> allowed.add(t.asText()));
        } else {
            allowed.add(type.asText());
        }
        String actual = value.isNull() ? "null" : value.isBoolean() ? "boolean" : value.isIntegralNumber() ? "integer"
                : value.isNumber() ? "number" : value.isTextual() ? "string" : value.isArray() ? "array" : "object";
        boolean ok = allowed.contains(actual) || (actual.equals("integer") && allowed.contains("number"));
        if (!ok) {
            return key + ": default " + value + " is " + actual + ", the schema allows " + allowed;
        }
        if (node.has("enum")) {
            for (JsonNode e : node.get("enum")) {
                if (e.equals(value)) {
                    return null;
                }
            }
            return key + ": default " + value + " is not in the schema's enum " + node.get("enum");
        }
        return null;
    }

    private static JsonNode at(JsonNode schema, String dottedKey) {
        JsonNode node = schema;
        for (String part : dottedKey.split("\\.")) {
            node = node.path("properties").path(part);
        }
        return node;
    }

    @Test
    void theSchemaDescribesExactlyTheKeysOfValuesYamlAndClosesTheChartsOwnObjects() throws IOException {
        List<String> problems = new ArrayList<>();
        JsonNode schema = schema();
        assertEquals("http://json-schema.org/draft-07/schema#", schema.get("$schema").asText());
        compare("", schema, values(), problems);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyKeyOfTheReadmeTableIsInTheSchemaAndItsDefaultHasAnAllowedType() throws IOException {
        JsonNode schema = schema();
        ObjectMapper json = new ObjectMapper();
        List<String> problems = new ArrayList<>();
        int rows = 0;
        for (String line : Files.readAllLines(ChartFixture.CHART.resolve("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            rows++;
            JsonNode node = at(schema, m.group(1));
            if (node.isMissingNode()) {
                problems.add(m.group(1) + " is in the README table but not in the schema");
                continue;
            }
            String problem = typeProblem(m.group(1), node, json.readTree(m.group(2)));
            if (problem != null) {
                problems.add(problem);
            }
        }
        assertTrue(rows > 100, "rows: " + rows);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The typos from the report: real helm refuses them and names each key. */
    @Test
    void mistypedKeysAreRefusedByHelmWithTheirNames() {
        Procs.Result r = ChartFixture.attempt(set("replicaCont", "5", "persistence.enabld", "true"), null);
        assertNotEquals(0, r.exitCode(), r.stdout());
        assertTrue(r.stderr().contains("additional properties 'replicaCont' not allowed"), r.stderr());
        assertTrue(r.stderr().contains("at '/persistence': additional properties 'enabld' not allowed"), r.stderr());
        assertFalse(r.stdout().contains("kind: StatefulSet"), "nothing is rendered");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "replicaCont,5,additional properties 'replicaCont' not allowed",
            "persistence.enabld,true,at '/persistence': additional properties 'enabld' not allowed",
            "auth.clusterToken.existingSecert,x,at '/auth/clusterToken': additional properties 'existingSecert' not allowed",
            "replicaCount,0,at '/replicaCount': minimum: got 0, want 1",
            "replicaCount,three,at '/replicaCount': got string, want integer",
            "server.mode,prod,at '/server/mode'",
            "service.http.port,70000,at '/service/http/port': maximum: got 70,000, want 65,535",
            "persistence.enabled,yes-please,at '/persistence/enabled': got string, want boolean",
            "image.pullPolicy,Sometimes,at '/image/pullPolicy'",
            "podAntiAffinityPreset,strict,at '/podAntiAffinityPreset'"})
    void wrongKeysTypesRangesAndEnumsAreRefusedWithTheKeysPath(String key, String value, String expected) {
        Procs.Result r = ChartFixture.attempt(Map.of(key, value), null);
        assertNotEquals(0, r.exitCode(), r.stdout());
        assertTrue(r.stderr().contains("values don't meet the specifications of the schema"), r.stderr());
        assertTrue(r.stderr().contains(expected), r.stderr());
    }

    @Test
    void kubernetesShapedValuesStayOpen() {
        Procs.Result r = ChartFixture.attempt(set("resources.limits.nvidia\\.com/gpu", "1",
                "podSecurityContext.supplementalGroups[0]", "5000", "affinity.nodeAffinity.x", "y",
                "extraSettings.arcadedb\\.ha\\.logVerbose", "2"), null);
        assertEquals(0, r.exitCode(), r.stderr());
    }
}
