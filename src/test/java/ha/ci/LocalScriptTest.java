package ha.ci;

import ha.support.Leftovers;
import ha.support.standin.StandIn;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ci/integration-test.sh with --target local and the installation from ARCADEDB_HOME, as the driver reads it. */
class LocalScriptTest {
    private static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", ".")).toAbsolutePath();

    @TempDir
    Path tmp;

    record Run(int exitCode, String stdout, String stderr) {
    }

    private Run script(Map<String, String> extraEnv, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("ci/integration-test.sh").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KUBE") || k.equals("ARCADEDB_HOME") || k.equals("HA_ROOT_PASSWORD"));
        env.put("HOME", tmp.toString());                          // no ~/.kube/config
        env.put("KUBECONFIG", tmp.resolve("no-kubeconfig").toString());
        env.put("JBANG_DIR", ROOT.resolve(".tools").resolve("jbang-home").toString());
        env.putAll(extraEnv);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("integration-test.sh did not finish in 6 minutes");
        }
        Run run = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        System.out.println(run.stdout() + run.stderr());
        return run;
    }

    @Test
    void withoutAKubeContextOrArcadedbHomeItSaysEveryWayToRun() throws Exception {
        Run run = script(Map.of(), List.of("--phases", "health"));
        assertEquals(1, run.exitCode(), run.stdout() + run.stderr());
        String last = run.stderr().strip().lines().reduce((a, b) -> b).orElse("");
        assertEquals("error: nothing to test: pass --kind, --context NAME, or --target local with --arcadedb-home DIR or ARCADEDB_HOME"
                + " (see --help)", last);
    }

    @Test
    void targetLocalRunsTheSuiteAgainstArcadedbHome() throws Exception {
        Path work = tmp.resolve("work");
        Path report = tmp.resolve("report");
        Map<String, String> env = new HashMap<>(Map.of("ARCADEDB_HOME", StandIn.home().toString()));
        List<String> args = new ArrayList<>(List.of("--target", "local", "--report-dir", report.toString(), "--phases", "rollout,quorum,write,read",
                "--timeout", "60s", "--work-dir", work.toString(), "--server-java", StandIn.java().toString(),
                "--server-main-class", StandIn.MAIN_CLASS, "--server-jvm-option=-XX:TieredStopAtLevel=1"));
        Run run = script(env, args);
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("== jbang scripts/ArcadedbHa.java --target local --report-dir " + report), run.stdout());
        assertTrue(run.stdout().contains(StandIn.home() + " (ARCADEDB_HOME)"), "the driver took the installation from the variable: " + run.stdout());
        assertTrue(run.stdout().contains("4 passed, 0 failed"), run.stdout());
        assertTrue(Files.isRegularFile(report.resolve("report.json")) && Files.isRegularFile(report.resolve("junit.xml")));
        assertEquals(List.of(), Leftovers.processesUsing(work), "no server process may outlive the script");
    }
}
