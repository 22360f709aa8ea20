package ha.ci;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ci/bootstrap.sh and the jbang launcher it writes: what a user without Java, or in a CI log, sees. */
class BootstrapTest {
    static final Path ROOT = IntegrationScriptTest.ROOT;
    static final String NEEDS_JAVA = "the suite needs Java 17 or newer";

    @TempDir
    Path tmp;

    record Run(int exitCode, String stdout, String stderr) {
    }

    static Run run(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = Files.createTempFile("boot-out", ".txt");
        Path err = Files.createTempFile("boot-err", ".txt");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in 2 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A PATH with bash and dirname only: no java anywhere. */
    private Map<String, String> withoutJava() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin-no-java"));
        for (String tool : List.of("bash", "dirname")) {
            Path real = Path.of("/usr/bin", tool);
            if (Files.exists(bin.resolve(tool), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
        }
        return Map.of("PATH", bin.toString(), "HOME", tmp.toString());
    }

    @Test
    void withoutJavaTheBootstrapSaysWhichJavaAndHowToGetItWithExitCode2() throws Exception {
        Run run = run(ROOT, withoutJava(), "bash", ROOT.resolve("ci/bootstrap.sh").toString());
        assertEquals(2, run.exitCode(), run.stdout() + run.stderr());
        assertEquals("bootstrap: error: no Java found: JAVA_HOME is not set and no java is on PATH; " + NEEDS_JAVA + " (JBang and the scripts"
                + " run on it): install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless, or https://adoptium.net) and put"
                + " its bin/ on PATH or set JAVA_HOME", run.stderr().strip());
        Run sourced = run(ROOT, withoutJava(), "bash", "-c", "set -e; . ci/bootstrap.sh; echo still running");
        assertEquals(2, sourced.exitCode(), "a script under set -e that sources it stops with 2: " + sourced.stdout() + sourced.stderr());
        Run interactive = run(ROOT, withoutJava(), "bash", "-c", ". ci/bootstrap.sh; echo \"returned $?\"");
        assertEquals("returned 2", interactive.stdout().strip(), "a shell without -e keeps running: " + interactive.stderr());
    }

    @Test
    void withoutJavaTheLauncherSaysWhichJavaAndHowToGetItWithExitCode2() throws Exception {
        Path launcher = ROOT.resolve(".tools/bin/jbang");
        assertTrue(Files.isExecutable(launcher), "ci/bootstrap.sh wrote " + launcher);
        Map<String, String> env = new java.util.HashMap<>(withoutJava());
        env.put("JAVA_HOME", tmp.resolve("no-jdk").toString());
        Run run = run(ROOT, env, "bash", launcher.toString(), "version");
        assertEquals(2, run.exitCode(), run.stdout() + run.stderr());
        String line = run.stderr().strip();
        assertTrue(line.startsWith("jbang: error: no Java to run JBang: JAVA_HOME=" + tmp.resolve("no-jdk") + " has no bin/java and no java is on PATH; "
                + NEEDS_JAVA), line);
        assertTrue(line.contains("https://adoptium.net") && !line.contains("command not found"), line);
    }

    @Test
    void appInstallWithARelativeCatalogIsRefusedWithTheFormThatWorks() throws Exception {
        Path jbangHome = tmp.resolve("jbang-home");
        Map<String, String> env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", tmp.toString(), "JBANG_DIR", jbangHome.toString());
        Run run = run(ROOT, env, "bash", ROOT.resolve(".tools/bin/jbang").toString(), "app", "install", "--name", "arcadedb-ha", "arcadedb-ha@.");
        assertEquals(2, run.exitCode(), run.stdout() + run.stderr());
        assertEquals("jbang: error: arcadedb-ha@. names the catalog by the relative path '.', which an installed command resolves in the"
                + " folder it runs from (Unknown catalog '.'); give the catalog's absolute path: jbang app install --name arcadedb-ha"
                + " arcadedb-ha@\"$PWD\"", run.stderr().strip());
        assertFalse(Files.exists(jbangHome.resolve("bin/arcadedb-ha")), "nothing was installed");
        Run quiet = run(ROOT, env, "bash", ROOT.resolve(".tools/bin/jbang").toString(), "--quiet", "app", "install", "ha-quorum@.");
        assertEquals(2, quiet.exitCode(), quiet.stdout() + quiet.stderr());
        assertTrue(quiet.stderr().strip().endsWith("give the catalog's absolute path: jbang app install ha-quorum@\"$PWD\""), quiet.stderr());
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("Unknown catalog '.'"), "the README says why \"$PWD\" is needed");
    }

    /** In a CI log (stderr not a terminal) the bootstrap's tool output carries no terminal codes, and Maven runs in batch mode. */
    @Test
    void theBootstrapLogHasNoTerminalCodes() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo/ci"));
        Files.copy(ROOT.resolve("ci/bootstrap.sh"), repo.resolve("bootstrap.sh"));
        Path bin = Files.createDirectories(tmp.resolve("fake-bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/bash\necho \"$*\" > \"" + tmp.resolve("mvn-args") + "\"\n"
                + "printf '\\033[1;31m[ERROR]\\033[0m Could not transfer artifact\\033[0m\\n'\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> path = new ArrayList<>(List.of(bin.toString(), "/usr/local/bin", "/usr/bin", "/bin"));
        Run run = run(tmp.resolve("repo"), Map.of("PATH", String.join(":", path), "HOME", tmp.toString()), "bash", "ci/bootstrap.sh");
        assertEquals(1, run.exitCode(), run.stdout() + run.stderr());
        assertTrue(run.stderr().contains("[ERROR] Could not transfer artifact"), run.stderr());
        assertFalse(run.stderr().contains("\u001b"), "no terminal codes in: " + run.stderr().replace("\u001b", "^["));
        String args = Files.readString(tmp.resolve("mvn-args"));
        assertTrue(args.startsWith("-B ") && args.contains("-Dstyle.color=never"), args);
    }
}
