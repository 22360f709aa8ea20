package ha.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The docs stand on their own: they cite no document a reader of this repository cannot open. */
class DocsTest {
    private static final Path ROOT = DependencyAlignmentTest.ROOT;
    private static final List<String> ABSENT_SOURCES = List.of("reference notes", "design card", "reference §", "the reference doc");

    /** A reader without Docker must find their way on the first screen too, with what each way needs. */
    @Test
    void theReadmeShowsBothWaysOnItsFirstScreen() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        String first = String.join("\n", lines.subList(0, Math.min(24, lines.size())));
        for (String needed : List.of("ci/integration-test.sh --kind", "Needs kind", "Docker",
                "ci/integration-test.sh --target local --arcadedb-home", "unpacked ArcadeDB distribution", "JDK 21+")) {
            org.junit.jupiter.api.Assertions.assertTrue(first.contains(needed), "first screen of the README says '" + needed + "':\n" + first);
        }
    }

    /** The snapshot settings in both forms: the chart's --set values and the local target's five --server-setting flags. */
    @Test
    void theReadmeShowsTheSnapshotSettingsForTheChartAndForLocalServers() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md")).replaceAll("\\\\\n\\s*", "");
        String local = Files.readString(ROOT.resolve("docs/running-locally.md")).replaceAll("\\s+", " ");
        java.util.regex.Matcher flags = java.util.regex.Pattern.compile("--server-setting (arcadedb\\.ha\\.[A-Za-z]+=[0-9A-Z]+)").matcher(local);
        List<String> settings = new ArrayList<>();
        while (flags.find()) {
            settings.add(flags.group(1));
        }
        assertEquals(5, settings.size(), "docs/running-locally.md names five settings: " + settings);
        assertTrue(readme.contains("--set ha.snapshotThreshold=20 --set ha.logPurgeGap=5 --set ha.logSegmentSize=1MB"), "the chart form");
        for (String setting : settings) {
            assertTrue(readme.contains("--server-setting " + setting), "the README's local form has --server-setting " + setting);
        }
    }

    /** phases.md's timings are the measured ones: write's first linearizable read, and the whole run. */
    @Test
    void phasesMdGivesTheMeasuredTimings() throws IOException {
        String phases = Files.readString(ROOT.resolve("docs/phases.md"));
        String writeRow = phases.lines().filter(l -> l.startsWith("| `write` |")).findFirst().orElse("");
        assertTrue(writeRow.endsWith("| ~12 s on a new cluster (local 26.8.1), about 10 s of it the first linearizable read (see below) |"), writeRow);
        assertTrue(phases.contains("**Why `write` takes about 12 s.**"), "phases.md explains the write phase's time");
        assertTrue(phases.replaceAll("\\s+", " ").contains("The whole run of the 11 phases other than `pause` and `partition` on 3 local servers"), "the whole run's time");
        assertTrue(!phases.contains("all 11 phases about 2.5 min"), "the old whole-run figure is gone");
    }

    @Test
    void noDocCitesADocumentOutsideTheRepository() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }
        List<String> found = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).toLowerCase(Locale.ROOT);
                for (String phrase : ABSENT_SOURCES) {
                    if (line.contains(phrase)) {
                        found.add(ROOT.relativize(doc) + ":" + (i + 1) + " cites '" + phrase + "'");
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
