package ha.chart;

import ha.support.chart.ChartFixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README.md's values table lists every leaf of values.yaml, with its default, and nothing else. */
@DisplayName("README values table")
class ReadmeValuesTableTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| `([^`]*)` \\| (.+) \\|$");

    /** Leaf = scalar, null, list, or empty map; non-empty maps are descended into. */
    private static void leaves(String prefix, JsonNode node, Map<String, JsonNode> out) {
        node.fields().forEachRemaining(e -> {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject() && e.getValue().size() > 0) {
                leaves(key, e.getValue(), out);
            } else {
                out.put(key, e.getValue());
            }
        });
    }

    @Test
    void everyLeafKeyIsInTheTableWithItsDefaultAndViceVersa() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> values = new LinkedHashMap<>();
        leaves("", yaml.readTree(ChartFixture.CHART.resolve("values.yaml").toFile()), values);

        Map<String, String> table = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (String line : Files.readAllLines(ChartFixture.CHART.resolve("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                if (table.put(m.group(1), m.group(2)) != null) {
                    duplicates.add(m.group(1));
                }
                assertFalse(m.group(3).isBlank(), () -> m.group(1) + " has a description");
            }
        }
        assertTrue(duplicates.isEmpty(), "listed twice: " + duplicates);

        TreeSet<String> missing = new TreeSet<>(values.keySet());
        missing.removeAll(table.keySet());
        TreeSet<String> stale = new TreeSet<>(table.keySet());
        stale.removeAll(values.keySet());
        assertTrue(missing.isEmpty(), "values.yaml keys missing from README.md: " + missing);
        assertTrue(stale.isEmpty(), "README.md keys not in values.yaml: " + stale);
        assertEquals(new ArrayList<>(values.keySet()), new ArrayList<>(table.keySet()), "same order as values.yaml");
        for (var e : values.entrySet()) {
            assertEquals(json.writeValueAsString(e.getValue()), table.get(e.getKey()), () -> "default of " + e.getKey());
        }
        assertTrue(values.size() > 100, "the table covers the whole file: " + values.size());
    }
}
