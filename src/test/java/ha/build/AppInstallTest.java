package ha.build;

import ha.support.Jbang;

import ha.core.ProjectRoot;
import ha.core.ReportOptions;
import ha.run.CommonOptions;
import ha.target.local.LocalInstall;
import ha.target.local.LocalOptions;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's install: after {@code . ci/bootstrap.sh}, {@code jbang app install --name arcadedb-ha arcadedb-ha@"$PWD"}
 * gives a command that runs from any folder in a fresh environment whose PATH has the install folder, writes
 * nothing into HOME or the folder it runs in, and goes away with {@code jbang app uninstall}.
 */
class AppInstallTest {
    static final Path ROOT = Jbang.ROOT;

    @TempDir
    Path tmp;

    record Run(int exitCode, String out) {
    }

    /** Runs bash -c in a clean environment: only the variables given (no LANG, no JAVA_HOME, no user PATH). */
    static Run bash(Path dir, Map<String, String> env, String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile("app-install", ".txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("did not finish in 5 minutes: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theInstalledCommandRunsFromAnotherFolderAndWritesNothingThere() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path jbangDir = tmp.resolve("jbang");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        String m2 = Path.of(System.getProperty("user.home"), ".m2", "repository").toString();
        Map<String, String> installEnv = Map.of("HOME", home.toString(), "JBANG_DIR", jbangDir.toString(), "JBANG_REPO", m2,
                "PATH", "/usr/bin:/bin");

        Run install = bash(ROOT, installEnv, ". ci/bootstrap.sh && jbang --quiet app install --name arcadedb-ha arcadedb-ha@\"$PWD\"");
        assertEquals(0, install.exitCode(), install.out());
        Path command = jbangDir.resolve("bin/arcadedb-ha");
        assertTrue(Files.isExecutable(command), "installed into $JBANG_DIR/bin: " + install.out());
        assertEquals(List.of(), listing(home), "nothing written into HOME (no PATH line in ~/.bashrc, no ~/.zshrc)");

        // a new shell: only HOME and a PATH with the install folder; JBANG_DIR, LANG and the bootstrap's PATH are gone
        Map<String, String> newShell = Map.of("HOME", home.toString(), "JBANG_REPO", m2,
                "PATH", jbangDir.resolve("bin") + ":/usr/bin:/bin", "KUBECONFIG", tmp.resolve("no-kubeconfig").toString());
        Run help = bash(elsewhere, newShell, "arcadedb-ha --help");
        assertEquals(0, help.exitCode(), help.out());
        assertTrue(help.out().startsWith("Usage: arcadedb-ha "), help.out());

        Run run = bash(elsewhere, newShell, "arcadedb-ha --phases health");
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.out().contains("error: no Kubernetes context"), run.out());
        Matcher reports = Pattern.compile("reports: (\\S+)/summary.txt").matcher(run.out());
        assertTrue(reports.find(), run.out());
        Path reportDir = Path.of(reports.group(1));
        try {
            assertTrue(reportDir.startsWith(ROOT.resolve("build/ha-reports")), "reports go to the suite's folder: " + reportDir);
        } finally {
            LocalInstall.deleteTree(reportDir);
        }
        assertEquals(List.of(), listing(elsewhere), "the folder it ran in stays empty (no build/)");
        assertEquals(List.of(), listing(home).stream().filter(n -> !n.equals(".m2")).toList(), "nothing written into HOME");

        Run uninstall = bash(elsewhere, newShell, "jbang --quiet app uninstall arcadedb-ha");
        assertEquals(0, uninstall.exitCode(), uninstall.out());
        assertFalse(Files.exists(command), "uninstalled");
    }

    @Test
    void defaultsResolveAgainstTheSuiteFolderAndGivenPathsAgainstTheCurrentOne() {
        Path other = Path.of("/somewhere/else");
        assertEquals(ROOT.normalize(), ProjectRoot.find(null, Map.of(ProjectRoot.ENV, ROOT.toString()), other));
        assertEquals(other, ProjectRoot.find(null, Map.of(ProjectRoot.ENV, other.toString()), other), "a folder that is not the suite's is ignored");

        CommonOptions options = new CommonOptions();
        options.reports.runId = "run-7";
        assertEquals(ProjectRoot.get().resolve("charts/arcadedb"), options.chart());
        assertEquals(ProjectRoot.get().resolve("build/ha-reports/run-7"), options.reports.reportDir());
        assertEquals(ProjectRoot.get().resolve("build/ha-local/run-7"), new LocalOptions().workDirOrDefault("run-7"),
                "one run id names the run, its report dir and its work dir");
        ReportOptions given = new ReportOptions();
        given.reportDir = Path.of("mine");
        assertEquals(Path.of("mine"), given.reportDir());
    }
}
