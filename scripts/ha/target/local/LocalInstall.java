package ha.target.local;

import ha.core.Log;
import ha.core.Procs;
import ha.core.SuiteException;
import ha.core.UsageException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The ArcadeDB installation the local servers run from: a folder whose {@code lib/} holds the server
 * jars. Taken from {@code --arcadedb-home} (an unpacked distribution), else resolved from Maven Central
 * for {@code --arcadedb-version} (arcadedb-server and arcadedb-ha-raft with their dependencies, copied
 * by Maven into {@code .tools/arcadedb/<version>/lib}), else from the env ARCADEDB_HOME.
 */
public record LocalInstall(Path lib, String origin) {
    public static final String SERVER_ARTIFACT = "arcadedb-server";
    public static final String RAFT_ARTIFACT = "arcadedb-ha-raft";
    private static final Duration MAVEN_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern NOT_FOUND = Pattern.compile("\\S+ was not found in \\S+");

    /** The java -cp value: every jar of lib/. */
    public String classpath() {
        return lib + File.separator + "*";
    }

    @Override
    public String toString() {
        return origin;
    }

    /** Resolves the installation or fails with one line that says what is missing and how to give it. */
    public static LocalInstall resolve(LocalOptions options, Map<String, String> env, Path cacheRoot) {
        boolean arcadeMain = LocalOptions.ARCADEDB_MAIN_CLASS.equals(options.mainClass());
        if (options.arcadedbHome != null) {
            return fromHome(options.arcadedbHome, "--arcadedb-home", arcadeMain);
        }
        if (options.arcadedbVersion != null && !options.arcadedbVersion.isBlank()) {
            return fromMavenCentral(options.arcadedbVersion.trim(), cacheRoot);
        }
        String home = env.get("ARCADEDB_HOME");
        if (home != null && !home.isBlank()) {
            return fromHome(Path.of(home), "ARCADEDB_HOME", arcadeMain);
        }
        throw new UsageException("--target local needs an ArcadeDB installation: pass --arcadedb-home DIR (an unpacked ArcadeDB "
                + "distribution; its lib/ holds the server jars), set ARCADEDB_HOME, or pass --arcadedb-version VERSION to resolve it "
                + "from Maven Central");
    }

    static LocalInstall fromHome(Path home, String source, boolean requireArcadeJars) {
        Path dir = home.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new UsageException(source + " " + home + ": no such directory; expected an unpacked ArcadeDB distribution whose lib/ holds the server jars");
        }
        Path lib = dir.resolve("lib");
        List<String> jars = jars(lib);
        if (jars.isEmpty()) {
            throw new UsageException(source + " " + home + " has " + (Files.isDirectory(lib) ? "no jars in lib/" : "no lib/ folder")
                    + "; expected an unpacked ArcadeDB distribution whose lib/ holds the server jars");
        }
        if (requireArcadeJars && jars.stream().noneMatch(j -> j.startsWith(SERVER_ARTIFACT))) {
            throw new UsageException(source + " " + home + ": lib/ has " + jars.size() + " jars but no " + SERVER_ARTIFACT
                    + "-*.jar; is it an ArcadeDB distribution?");
        }
        if (requireArcadeJars && jars.stream().noneMatch(j -> j.startsWith(RAFT_ARTIFACT))) {
            Log.warn("%s/lib has no %s-*.jar: this installation may lack Raft HA (ArcadeDB 26.4.2 or newer ships it)", dir, RAFT_ARTIFACT);
        }
        return new LocalInstall(lib, dir + " (" + source + ")");
    }

    static LocalInstall fromMavenCentral(String version, Path cacheRoot) {
        if (!version.matches("[0-9A-Za-z][0-9A-Za-z.\\-_]*")) {
            throw new UsageException("--arcadedb-version '" + version + "' is not a version (example: 26.8.1)");
        }
        Path folder = cacheRoot.resolve(version).toAbsolutePath().normalize();
        Path lib = folder.resolve("lib");
        if (!jars(lib).isEmpty()) {
            return new LocalInstall(lib, "ArcadeDB " + version + " from Maven Central, cached in " + folder);
        }
        String coordinates = "com.arcadedb:" + SERVER_ARTIFACT + ":" + version + " and com.arcadedb:" + RAFT_ARTIFACT + ":" + version;
        Path partial = folder.resolve("lib.partial");
        Path created = highestMissing(folder);
        Procs.Result result;
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("pom.xml"), pom(version));
            deleteTree(partial);
            Log.step("resolving %s from Maven Central into %s", coordinates, folder);
            result = Procs.run(List.of("mvn", "-B", "-ntp", "-f", folder.resolve("pom.xml").toString(), "dependency:copy-dependencies",
                    "-DincludeScope=runtime", "-DoutputDirectory=" + partial), MAVEN_TIMEOUT);
        } catch (Procs.ToolMissingException e) {
            forget(partial, created);
            throw new SuiteException("cannot resolve " + coordinates + ": Maven (mvn) is not on PATH; install Maven or pass --arcadedb-home DIR");
        } catch (IOException e) {
            forget(partial, created);
            throw new SuiteException("cannot prepare " + folder + " for ArcadeDB " + version + ": " + e.getMessage());
        }
        if (!result.ok() || jars(partial).isEmpty()) {
            forget(partial, created);
            throw new SuiteException("could not resolve " + coordinates + " from Maven Central (" + mavenReason(result)
                    + "); use an unpacked ArcadeDB distribution instead: --arcadedb-home DIR or ARCADEDB_HOME=DIR "
                    + "(https://github.com/ArcadeData/arcadedb/releases)");
        }
        try {
            deleteTree(lib);
            Files.move(partial, lib);
        } catch (IOException e) {
            throw new SuiteException("cannot move the resolved jars into " + lib + ": " + e.getMessage());
        }
        return new LocalInstall(lib, "ArcadeDB " + version + " from Maven Central, cached in " + folder);
    }

    /**
     * Removes what a failed resolution left: the partial copy, and every folder this run created (the version's
     * folder, and .tools/arcadedb itself when it did not exist before), so no empty folder stays behind.
     */
    private static void forget(Path partial, Path created) {
        Path remove = created != null ? created : partial;
        try {
            deleteTree(remove);
        } catch (IOException e) {
            Log.warn("could not remove %s: %s", remove, e.getMessage());
        }
    }

    /** The outermost folder of {@code folder}'s path that does not exist yet ({@code null} when it exists). */
    static Path highestMissing(Path folder) {
        Path missing = null;
        for (Path p = folder; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /** The first line of Maven's output that says why resolution failed. */
    static String mavenReason(Procs.Result result) {
        String all = result.stdout() + "\n" + result.stderr();
        Matcher missing = NOT_FOUND.matcher(all);
        if (missing.find()) {
            return missing.group();
        }
        for (String marker : List.of("Could not find artifact", "Missing", "Could not resolve", "Could not transfer", "Failed to execute")) {
            for (String line : all.split("\n")) {
                int at = line.indexOf(marker);
                if (at >= 0) {
                    String reason = line.substring(at).strip();
                    return reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
                }
            }
        }
        return "mvn exited with " + result.exitCode() + ": " + result.lastLine();
    }

    private static String pom(String version) {
        return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>\n"
                + "  <groupId>local.tools</groupId><artifactId>arcadedb-boot</artifactId><version>1</version><packaging>pom</packaging>\n"
                + "  <dependencies>\n"
                + "    <dependency><groupId>com.arcadedb</groupId><artifactId>" + SERVER_ARTIFACT + "</artifactId><version>" + version + "</version></dependency>\n"
                + "    <dependency><groupId>com.arcadedb</groupId><artifactId>" + RAFT_ARTIFACT + "</artifactId><version>" + version + "</version></dependency>\n"
                + "  </dependencies>\n"
                + "</project>\n";
    }

    static List<String> jars(Path lib) {
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Deletes a folder and everything in it (nothing when it does not exist). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
