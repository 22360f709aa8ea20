package ha.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suite's packages are layers: core, then the client, then the targets (the contract, then local processes and
 * Kubernetes side by side), then checking, then faults, then running phases, then the phase scripts. A class may use
 * its own package and those below it, never one above, and the two kinds of target never use each other.
 */
class LayersTest {
    private static final Path SCRIPTS = DependencyAlignmentTest.ROOT.resolve("scripts");
    /** Each package's layer; packages of one layer may not use each other. */
    static final Map<String, Integer> LAYER = Map.of(
            "ha.core", 0,
            "ha.client", 1,
            "ha.target", 2,
            "ha.target.local", 3,
            "ha.target.kube", 3,
            "ha.check", 4,
            "ha.nemesis", 5,
            "ha.run", 6,
            "ha.scripts", 7);
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([a-z.]+);", Pattern.MULTILINE);
    /** An import or a fully qualified use of a suite class: the package is everything before the class name. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(ha(?:\\.[a-z]+)+)\\.[A-Z]");

    @Test
    void noClassUsesAPackageOfItsOwnLayerOrAbove() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(SCRIPTS)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                violations.addAll(violations(SCRIPTS.relativize(file).toString(), Files.readString(file)));
                files++;
            }
        }
        assertTrue(files > 60, "expected the suite's sources under " + SCRIPTS + ", saw " + files + " files");
        assertEquals(List.of(), violations, "uses of a package at the same or a higher layer");
    }

    @Test
    void anUpwardImportAndAnInlineUseAcrossTargetsAreFound() {
        List<String> found = new ArrayList<>(violations("ha/core/Example.java", "package ha.core;\nimport ha.run.Cli;\n"));
        found.addAll(violations("ha/target/local/Example.java",
                "package ha.target.local;\nimport ha.target.Target;\nclass X { Object o = ha.target.kube.Helm.class; }\n"));
        assertEquals(List.of("ha/core/Example.java (ha.core, layer 0) uses ha.run (layer 6)",
                "ha/target/local/Example.java (ha.target.local, layer 3) uses ha.target.kube (layer 3)"), found);
    }

    @Test
    void aPackageWithoutALayerIsNamed() {
        assertEquals(List.of("ha/extra/Example.java: package ha.extra has no layer in LayersTest.LAYER"),
                violations("ha/extra/Example.java", "package ha.extra;\n"));
    }

    /** What {@code source} (the file at {@code name}) uses that its layer may not: one line per package. */
    static List<String> violations(String name, String source) {
        Matcher pkg = PACKAGE.matcher(source);
        if (!pkg.find()) {
            return List.of(name + ": no package line");
        }
        String own = pkg.group(1);
        Integer layer = LAYER.get(own);
        if (layer == null) {
            return List.of(name + ": package " + own + " has no layer in LayersTest.LAYER");
        }
        List<String> out = new ArrayList<>();
        Matcher ref = REFERENCE.matcher(withoutComments(source));
        while (ref.find()) {
            String used = ref.group(1);
            Integer usedLayer = LAYER.get(used);
            String line = name + " (" + own + ", layer " + layer + ") uses " + used + " (layer " + usedLayer + ")";
            if (!used.equals(own) && (usedLayer == null || usedLayer >= layer) && !out.contains(line)) {
                out.add(line);
            }
        }
        return out;
    }

    /** The source without its comments, so that a {@code {@link}} to a higher layer in a comment is allowed. */
    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }
}
