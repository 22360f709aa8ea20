package ha.support.standin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import ha.core.Sizes;
import ha.support.standin.server.StandInServer;
import ha.target.local.LocalJava;
import ha.target.local.LocalOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * An "installation" of the stand-in server laid out like an unpacked ArcadeDB distribution: lib/ holds
 * standin.jar (the classes of {@code ha.support.standin.server}, and the suite's {@link Sizes}, the one parser of
 * ArcadeDB's size settings) and the Jackson jars it uses. LocalTarget starts
 * it exactly as it starts ArcadeDB, with {@code --server-main-class} naming the stand-in.
 */
public final class StandIn {
    public static final String MAIN_CLASS = StandInServer.class.getName();
    private static Path home;

    private StandIn() {
    }

    public static synchronized Path home() {
        if (home == null) {
            try {
                home = build(Path.of(System.getProperty("ha.projectRoot", ".")).toAbsolutePath().resolve("target").resolve("standin-home"));
            } catch (IOException | URISyntaxException e) {
                throw new IllegalStateException("cannot build the stand-in installation: " + e.getMessage(), e);
            }
        }
        return home;
    }

    private static Path build(Path dir) throws IOException, URISyntaxException {
        Path lib = dir.resolve("lib");
        Files.createDirectories(lib);
        Path classes = location(StandInServer.class);
        Path packageDir = classes.resolve("ha").resolve("support").resolve("standin").resolve("server");
        Path jar = lib.resolve("standin.jar.partial");
        Map<String, Path> entries = new TreeMap<>();
        try (Stream<Path> files = Files.list(packageDir)) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(f -> entries.put(entryName(classes, f), f));
        }
        Path sizes = location(Sizes.class).resolve(Sizes.class.getName().replace('.', '/') + ".class");
        entries.put(entryName(location(Sizes.class), sizes), sizes);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, Path> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                Files.copy(e.getValue(), out);
                out.closeEntry();
            }
        }
        Files.move(jar, lib.resolve("standin.jar"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        for (Class<?> c : List.of(ObjectMapper.class, JsonFactory.class, JsonProperty.class)) {
            Path source = location(c);
            Files.copy(source, lib.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    private static String entryName(Path root, Path classFile) {
        return root.relativize(classFile).toString().replace('\\', '/');
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A JDK 21+ for the stand-in processes, found the way --target local finds one. */
    public static Path java() {
        return LocalJava.find(null, System.getenv()).home();
    }

    /** Stand-ins start in a second: their readiness is probed more often than the chart's 5 s, or every restart waits it out. */
    public static final java.time.Duration READINESS_PERIOD = java.time.Duration.ofMillis(500);

    /** Options for a local target of {@code nodes} stand-ins in {@code workDir}, with fast timings. */
    public static LocalOptions options(Path workDir, int nodes) {
        LocalOptions o = new LocalOptions();
        o.nodes = nodes;
        o.allowSmallCluster = nodes < 3;
        o.workDir = workDir;
        o.arcadedbHome = home();
        o.serverJava = java();
        o.serverMainClass = MAIN_CLASS;
        o.serverJvmOptions = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        o.readinessPeriod = READINESS_PERIOD;
        return o;
    }

    /** The arguments that give the driver or a phase script the same target. */
    public static List<String> args(Path workDir, int nodes) {
        return List.of("--target", "local", "--nodes", String.valueOf(nodes), "--work-dir", workDir.toString(),
                "--arcadedb-home", home().toString(), "--server-java", java().toString(),
                "--server-main-class", MAIN_CLASS, "--server-jvm-option=-XX:TieredStopAtLevel=1",
                "--server-jvm-option=-XX:+UseSerialGC", "--readiness-period", READINESS_PERIOD.toMillis() + "ms");
    }
}
