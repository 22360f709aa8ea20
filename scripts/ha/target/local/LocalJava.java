package ha.target.local;

import ha.core.Procs;
import ha.core.SuiteException;
import ha.core.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDK that runs the ArcadeDB server processes (Java 21 or newer; the harness itself may run on 17).
 * Found in this order: {@code --server-java}, JAVA_HOME when new enough, ARCADEDB_SERVER_JAVA (exported
 * by ci/bootstrap.sh), then the JDKs installed in the usual folders. The version is read from the JDK's
 * {@code release} file, else from {@code java -XshowSettings:properties -version}.
 */
public record LocalJava(Path home, int feature) {
    public static final int MINIMUM = 21;
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(\\d+)(?:\\.(\\d+))?");
    private static final Pattern SPEC_VERSION = Pattern.compile("java\\.specification\\.version = (\\d+)(?:\\.(\\d+))?");

    public Path executable() {
        return home.resolve("bin").resolve("java");
    }

    @Override
    public String toString() {
        return "Java " + feature + " at " + home;
    }

    /** Finds the servers' JDK or fails with one line that says what was looked at and what was seen. */
    public static LocalJava find(Path option, Map<String, String> env) {
        return find(option, env, defaultFolders());
    }

    static LocalJava find(Path option, Map<String, String> env, List<Path> folders) {
        if (option != null) {
            return requireJdk(option, "--server-java " + option);
        }
        List<String> seen = new ArrayList<>();
        for (String variable : List.of("JAVA_HOME", "ARCADEDB_SERVER_JAVA")) {
            String value = env.get(variable);
            if (value == null || value.isBlank()) {
                seen.add(variable + " is not set");
                continue;
            }
            Optional<LocalJava> jdk = probe(Path.of(value));
            if (jdk.isPresent() && jdk.get().feature() >= MINIMUM) {
                return jdk.get();
            }
            seen.add(variable + "=" + value + (jdk.isPresent() ? " is Java " + jdk.get().feature() : " has no bin/java"));
        }
        List<LocalJava> installed = new ArrayList<>();
        for (Path folder : folders) {
            installed.addAll(scan(folder));
        }
        Optional<LocalJava> best = installed.stream().filter(j -> j.feature() >= MINIMUM)
                .min(Comparator.comparingInt(LocalJava::feature).thenComparing(j -> j.home().toString()));
        if (best.isPresent()) {
            return best.get();
        }
        seen.add(installed.isEmpty() ? "no JDK in " + folders
                : "only " + installed.stream().map(j -> "Java " + j.feature() + " (" + j.home() + ")").toList() + " in " + folders);
        throw new SuiteException("no Java " + MINIMUM + "+ found for the ArcadeDB server processes (" + String.join("; ", seen)
                + "); pass --server-java JDK, the home of a JDK " + MINIMUM + " or newer");
    }

    private static LocalJava requireJdk(Path home, String what) {
        if (!Files.isDirectory(home)) {
            throw new UsageException(what + ": no such directory; expected the home of a JDK " + MINIMUM + " or newer (it holds bin/java)");
        }
        LocalJava jdk = probe(home).orElseThrow(() -> new UsageException(
                what + " has no executable bin/java; expected the home of a JDK " + MINIMUM + " or newer"));
        if (jdk.feature() < MINIMUM) {
            throw new UsageException(what + " is Java " + jdk.feature() + "; ArcadeDB servers need Java " + MINIMUM + " or newer");
        }
        return jdk;
    }

    /** The JDK at {@code home}, if it has bin/java and a readable version. */
    static Optional<LocalJava> probe(Path home) {
        Path java = home.resolve("bin").resolve("java");
        if (!Files.isExecutable(java)) {
            return Optional.empty();
        }
        Path release = home.resolve("release");
        if (Files.isRegularFile(release)) {
            try {
                Matcher m = RELEASE_VERSION.matcher(Files.readString(release));
                if (m.find()) {
                    return Optional.of(new LocalJava(home.toAbsolutePath().normalize(), parseFeature(m.group(1), m.group(2))));
                }
            } catch (IOException | RuntimeException unreadable) {
                // fall back to asking the JVM
            }
        }
        try {
            Procs.Result r = Procs.run(List.of(java.toString(), "-XshowSettings:properties", "-version"), Duration.ofSeconds(20));
            Matcher m = SPEC_VERSION.matcher(r.stderr() + r.stdout());
            if (m.find()) {
                return Optional.of(new LocalJava(home.toAbsolutePath().normalize(), parseFeature(m.group(1), m.group(2))));
            }
        } catch (RuntimeException cannotRun) {
            // not a usable JDK
        }
        return Optional.empty();
    }

    private static int parseFeature(String first, String second) {
        int major = Integer.parseInt(first);
        return major == 1 && second != null ? Integer.parseInt(second) : major;
    }

    private static List<LocalJava> scan(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<LocalJava> out = new ArrayList<>();
        try (Stream<Path> homes = Files.list(folder)) {
            for (Path home : homes.sorted().toList()) {
                if (Files.isSymbolicLink(home)) {
                    continue;   // aliases of another folder, e.g. default-java
                }
                Path macHome = home.resolve("Contents").resolve("Home");
                probe(Files.isDirectory(macHome) ? macHome : home).ifPresent(out::add);
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    static List<Path> defaultFolders() {
        List<Path> folders = new ArrayList<>(List.of(Path.of("/usr/lib/jvm"), Path.of("/Library/Java/JavaVirtualMachines")));
        String home = System.getProperty("user.home");
        if (home != null) {
            folders.add(Path.of(home, ".sdkman", "candidates", "java"));
            folders.add(Path.of(home, ".jdks"));
        }
        return folders;
    }
}
