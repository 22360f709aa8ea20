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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scripts' //DEPS lines and the Maven test build must name the same versions, and only the one
 * dependency file may carry //DEPS, so that JBang runs what the tests tested.
 */
class DependencyAlignmentTest {
    static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", "."));
    private static final Pattern DEPS = Pattern.compile("^//DEPS\\s+([^:\\s]+):([^:\\s]+)(?::([^@\\s]+))?(@pom)?\\s*$");

    /** group:artifact of every versioned //DEPS line -> the pom property that must hold the same version. */
    private static final Map<String, String> PROPERTY_OF = Map.of(
            "io.fabric8:kubernetes-client-bom", "fabric8.version",
            "com.fasterxml.jackson.core:jackson-databind", "jackson.version",
            "info.picocli:picocli", "picocli.version",
            "org.zeroturnaround:zt-exec", "zt-exec.version",
            "org.slf4j:slf4j-api", "slf4j.version",
            "org.slf4j:slf4j-nop", "slf4j.version");

    @Test
    void everyVersionedDepsLineMatchesThePom() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        List<String> lines = Files.readAllLines(ROOT.resolve("scripts/ha/core/Dependencies.java"));
        int checked = 0;
        for (String line : lines) {
            Matcher m = DEPS.matcher(line.strip());
            if (!m.matches() || m.group(3) == null) {
                continue;
            }
            String ga = m.group(1) + ":" + m.group(2);
            String property = PROPERTY_OF.get(ga);
            assertTrue(property != null, "//DEPS " + ga + " has no matching pom property; add it to the pom and to this test");
            Matcher p = Pattern.compile("<" + Pattern.quote(property) + ">([^<]+)</").matcher(pom);
            assertTrue(p.find(), "pom.xml lacks <" + property + ">");
            assertEquals(p.group(1).trim(), m.group(3), "version of " + ga + " in //DEPS vs pom property " + property);
            checked++;
        }
        assertEquals(PROPERTY_OF.size(), checked, "every dependency of the pom's runtime set is declared in //DEPS");
    }

    @Test
    void onlyTheDependencyFileDeclaresDeps() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("scripts"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.endsWith("ha/core/Dependencies.java")) {
                    continue;
                }
                if (Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("//DEPS"))) {
                    offenders.add(ROOT.relativize(f).toString());
                }
            }
        }
        assertTrue(offenders.isEmpty(), "//DEPS belong in scripts/ha/core/Dependencies.java only, found in " + offenders);
    }

    @Test
    void oneJacksonMajorVersion() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher fabric8 = Pattern.compile("<fabric8.version>(\\d+)\\.").matcher(pom);
        assertTrue(fabric8.find());
        assertEquals("7", fabric8.group(1), "fabric8 8.x brings Jackson 3 next to our jackson-databind 2: see docs/architecture.md");
        assertFalse(pom.contains("tools.jackson"), "no Jackson 3 artifacts");
    }
}
