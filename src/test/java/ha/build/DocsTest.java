package ha.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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
