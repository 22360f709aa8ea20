package ha.support.real;

import ha.core.Wait;
import ha.support.TestFiles;
import ha.target.local.LocalJava;
import ha.target.local.LocalPorts;
import ha.target.local.LocalSettings;
import ha.target.local.LocalTarget;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real ArcadeDB installation the tests run (../shared/arcadedb/26.8.1 next to the project, or ARCADEDB_HOME), and
 * an independent look at what a node's data folder holds: the folder is copied, opened by a standalone server (no HA,
 * so nothing replicates into it) on free ports, and read over plain HTTP, without any of the suite's code.
 */
public final class RealServers {
    static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", ".")).toAbsolutePath().normalize();

    private RealServers() {
    }

    /** The installation, or empty with the reason in {@code why[0]}. */
    public static Optional<Path> installation(String[] why) {
        String env = System.getenv("ARCADEDB_HOME");
        Path home = env != null && !env.isBlank() ? Path.of(env) : ROOT.resolve("../shared/arcadedb/26.8.1").normalize();
        if (!Files.isDirectory(home.resolve("lib"))) {
            why[0] = "no real ArcadeDB installation at " + home + " (set ARCADEDB_HOME, or keep ../shared/arcadedb/26.8.1 next to the project)";
            return Optional.empty();
        }
        return Optional.of(home);
    }

    /** A JDK 21+ for the servers, or empty with the reason in {@code why[0]}. */
    public static Optional<LocalJava> java(String[] why) {
        try {
            return Optional.of(LocalJava.find(null, System.getenv()));
        } catch (RuntimeException e) {
            why[0] = "no JDK 21+ to run ArcadeDB servers: " + e.getMessage();
            return Optional.empty();
        }
    }

    /**
     * Every marker (SELECT marker FROM HaRow, duplicates kept) that the database {@code database} in a node's data folder
     * holds, read by a standalone server started on a copy of that folder with root's password {@code password}.
     */
    public static List<String> markersIn(Path dataFolder, String database, String password, Path home, LocalJava java, Path scratch)
            throws IOException, InterruptedException {
        Path copy = scratch.resolve(dataFolder.getParent().getFileName().toString());
        TestFiles.copyTree(dataFolder, copy, p -> !p.getFileName().toString().endsWith(".lock"));
        LocalPorts ports = LocalPorts.allocate(null, 0, "independent-read");
        List<String> cmd = new ArrayList<>(List.of(java.executable().toString()));
        cmd.addAll(LocalSettings.JVM_OPTIONS);
        cmd.addAll(List.of("-cp", home.resolve("lib") + "/*",
                "-Darcadedb.server.name=independent-read",
                "-Darcadedb.server.rootPath=" + copy,
                "-Darcadedb.server.databaseDirectory=" + copy.resolve("databases"),
                "-Darcadedb.server.httpIncomingHost=127.0.0.1",
                "-Darcadedb.server.httpIncomingPort=" + ports.http(),
                "-Darcadedb.server.httpsIncomingPort=" + ports.https(),
                "com.arcadedb.server.ArcadeDBServer"));
        Path log = scratch.resolve(copy.getFileName() + "-independent-read.log");
        Process server = new ProcessBuilder(cmd).directory(scratch.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            URI base = URI.create("http://127.0.0.1:" + ports.http() + "/");
            return Wait.until("a standalone server on a copy of " + dataFolder + " to answer the query", Duration.ofMillis(500),
                    Duration.ofSeconds(90), () -> {
                        if (!server.isAlive()) {
                            throw new IllegalStateException("the standalone server exited; " + Files.readString(log));
                        }
                        return IndependentCheck.markersOverHttp(base, database, password);
                    }, markers -> true);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    public static Map<String, String> env(String password) {
        return Map.of("HA_ROOT_PASSWORD", password);
    }
}
