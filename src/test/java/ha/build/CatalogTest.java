package ha.build;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Each phase's purpose has one source, its summary(): the script's //DESCRIPTION is "Phase NAME: summary.", the
     * catalog says the same, --help starts with it, and docs/phases.md has the phase's row.
     */
    @Test
    void everyPhaseSaysWhatItIsForInOneWordingEverywhere() throws IOException {
        JsonNode aliases = Json.read(Files.readString(ROOT.resolve("jbang-catalog.json"))).path("aliases");
        String docs = Files.readString(ROOT.resolve("docs/phases.md"));
        for (ha.run.Phase phase : new ha.scripts.ArcadedbHa().allPhases()) {
            String header = "Phase " + phase.name() + ": " + phase.summary() + ".";
            Path script = ROOT.resolve("scripts").resolve(phase.getClass().getSimpleName() + ".java");
            List<String> lines = Files.readAllLines(script);
            assertTrue(lines.contains("//DESCRIPTION " + header), script + " has //DESCRIPTION " + header);
            assertEquals(header, aliases.path("ha-" + phase.name()).path("description").asText(), "catalog description of ha-" + phase.name());
            String[] help = new picocli.CommandLine(phase).getCommandSpec().usageMessage().description();
            assertEquals(phase.summary(), help[0], "--help of ha-" + phase.name() + " starts with its purpose");
            assertTrue(docs.contains("| `" + phase.name() + "` |"), "docs/phases.md has a row for " + phase.name());
        }
        String driver = Files.readAllLines(ROOT.resolve("scripts/ArcadedbHa.java")).stream().filter(l -> l.startsWith("//DESCRIPTION "))
                .findFirst().orElseThrow().substring("//DESCRIPTION ".length());
        assertEquals(driver, aliases.path("arcadedb-ha").path("description").asText(), "the driver's catalog description is its //DESCRIPTION");
    }
}
