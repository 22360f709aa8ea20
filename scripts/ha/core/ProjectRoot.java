package ha.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The repository the scripts come from, against which the defaults are resolved (build/ha-reports,
 * build/ha-local, charts/arcadedb, .tools/arcadedb), so a run from another folder writes nothing into it.
 * A compiled JBang script does not know its source folder, so the root is told: the system property
 * {@code ha.projectRoot}, else the env HA_PROJECT_ROOT (the JBang launcher of ci/bootstrap.sh exports it),
 * else the current directory when it is the repository. Options given on the command line stay relative to
 * the current directory.
 */
public final class ProjectRoot {
    public static final String PROPERTY = "ha.projectRoot";
    public static final String ENV = "HA_PROJECT_ROOT";

    private ProjectRoot() {
    }

    /** The root, or the current directory when none is known (the behaviour of a run from the repository). */
    public static Path get() {
        return find(System.getProperty(PROPERTY), System.getenv(), Path.of("").toAbsolutePath());
    }

    public static Path find(String property, Map<String, String> env, Path cwd) {
        for (String told : new String[] {property, env.get(ENV)}) {
            if (told != null && !told.isBlank() && isRoot(Path.of(told))) {
                return Path.of(told).toAbsolutePath().normalize();
            }
        }
        return cwd;
    }

    /** The path of a default below the root: build/ha-reports/&lt;run id&gt;, charts/arcadedb … */
    public static Path resolve(String first, String... more) {
        return get().resolve(Path.of(first, more)).normalize();
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("jbang-catalog.json")) && Files.isDirectory(dir.resolve("charts"));
    }
}
