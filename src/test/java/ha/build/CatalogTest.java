package ha.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import ha.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** jbang-catalog.json, the scripts and their headers agree: one alias per runnable script, named after its command. */
class CatalogTest {
    private static final Path ROOT = DependencyAlignmentTest.ROOT;
    private static final Pattern COMMAND_NAME = Pattern.compile("@Command\\(name = \"([^\"]+)\"");

    @Test
    void everyRunnableScriptHasAnAliasNamedLikeItsCommand() throws IOException {
        JsonNode aliases = Json.read(Files.readString(ROOT.resolve("jbang-catalog.json"))).path("aliases");
        List<String> runnable = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("scripts"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                assertEquals("///usr/bin/env jbang \"$0\" \"$@\" ; exit $?", lines.get(0), f + " starts with the JBang shebang line");
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("//JAVA ")), f + " pins //JAVA");
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("//DESCRIPTION ")), f + " has a //DESCRIPTION");
                Matcher m = COMMAND_NAME.matcher(String.join("\n", lines));
                assertTrue(m.find(), f + " declares a picocli @Command name");
                String alias = m.group(1);
                String ref = "scripts/" + f.getFileName();
                assertEquals(ref, aliases.path(alias).path("script-ref").asText(), "alias " + alias + " points at " + ref);
                assertTrue(aliases.path(alias).path("description").asText().length() > 10, "alias " + alias + " has a description");
                runnable.add(alias);
            }
        }
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = aliases.fields(); it.hasNext(); ) {
            names.add(it.next().getKey());
        }
        assertEquals(names.stream().sorted().toList(), runnable.stream().sorted().toList(), "aliases and scripts match one to one");
    }
}
