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
