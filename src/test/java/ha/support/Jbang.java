package ha.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a catalog alias of this repository through the bootstrapped JBang, as a user would. The first use
 * of an alias in a test JVM builds it under a lock shared by every test JVM, so that parallel forks never
 * read a jar another fork is still writing.
 */
public final class Jbang {
    public static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", ".")).toAbsolutePath();
    static final Path LAUNCHER = ROOT.resolve(".tools/bin/jbang");

    public record Run(int exitCode, String stdout, String stderr) {
        public String all() {
            return stdout + stderr;
        }
    }

    private Jbang() {
    }

    private static final java.util.Set<String> BUILT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public static ProcessBuilder builder(Map<String, String> env, String alias, String... args) {
        if (!Files.isExecutable(LAUNCHER)) {
            throw new IllegalStateException("JBang is not bootstrapped at " + LAUNCHER + "; run ci/bootstrap.sh (ci/test.sh does)");
        }
        ensureBuilt(alias);
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString(), "--quiet", alias + "@" + ROOT));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        Map<String, String> e = pb.environment();
        e.put("JBANG_DIR", ROOT.resolve(".tools/jbang-home").toString());
        e.putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    private static void ensureBuilt(String alias) {
        if (BUILT.contains(alias)) {
            return;
        }
        Path lockFile = ROOT.resolve(".tools/jbang-build.lock");
        try (var channel = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var lock = channel.lock()) {
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "build", "--quiet", alias + "@" + ROOT).directory(ROOT.toFile());
            pb.environment().put("JBANG_DIR", ROOT.resolve(".tools/jbang-home").toString());
            Path output = Files.createTempFile("jbang-build", ".txt");
            pb.redirectErrorStream(true).redirectOutput(output.toFile());
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("jbang build " + alias + " failed; it printed:\n" + Files.readString(output));
            }
            Files.deleteIfExists(output);
            BUILT.add(alias);
        } catch (IOException e) {
            throw new IllegalStateException("cannot build " + alias + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + alias, e);
        }
    }

    public static Run run(Map<String, String> env, String alias, String... args) throws IOException, InterruptedException {
        return run(java.time.Duration.ofMinutes(5), env, alias, args);
    }

    /** As {@link #run(Map, String, String...)} with a limit other than 5 minutes (real servers take longer). */
    public static Run run(java.time.Duration limit, Map<String, String> env, String alias, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = builder(env, alias, args);
        Path out = Files.createTempFile("jbang-out", ".txt");
        Path err = Files.createTempFile("jbang-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            // Ctrl-C first, so that the suite writes its reports and stops its servers; then whatever is left goes
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            p.waitFor(60, TimeUnit.SECONDS);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            List<String> printed = Files.readAllLines(out, StandardCharsets.UTF_8);
            String tail = String.join("\n", printed.subList(Math.max(0, printed.size() - 80), printed.size()));
            throw new AssertionError(alias + " did not finish within " + limit.toMinutes() + " minutes; the end of what it printed:\n" + tail);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Environment that points the suite at a mock API server, with fake helm/kind first on PATH. */
    public static Map<String, String> kubeEnv(Path kubeconfig, Path fakeBin) {
        Map<String, String> env = new HashMap<>();
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("PATH", fakeBin + ":" + System.getenv("PATH"));
        return env;
    }
}
