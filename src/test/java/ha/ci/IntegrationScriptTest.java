package ha.ci;

import ha.support.kube.HealthStubs;
import ha.support.kube.MockKube;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ci/integration-test.sh, run as CI runs it, with fake kind and helm executables that record their
 * arguments and the mock API server standing in for the kind cluster.
 */
class IntegrationScriptTest {
    static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", ".")).toAbsolutePath();

    @TempDir
    Path tmp;

    record Run(int exitCode, String stdout, String stderr) {
    }

    static Run script(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return scriptIn(ROOT, env, args);
    }

    /** Runs the script with {@code dir} as the current folder, as a user who calls it by a relative path would. */
    static Run scriptIn(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("ci/integration-test.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        // the script picks its target from these: only what a test gives counts, not the developer's own settings
        pb.environment().keySet().removeAll(List.of("ARCADEDB_HOME", "KUBECONFIG"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile("it-out", ".txt");
        Path err = Files.createTempFile("it-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("integration-test.sh did not finish in 5 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Map<String, String> envWith(MockKube kube, boolean withKind) {
        String path = (withKind ? kube.fakeBin() + ":" : fakeHelmOnly(kube) + ":") + ROOT.resolve(".tools/bin") + ":/usr/local/bin:/usr/bin:/bin";
        return Map.of("PATH", path, "KUBECONFIG", kube.kubeconfig().toString(),
                "JBANG_DIR", ROOT.resolve(".tools/jbang-home").toString(), "HOME", System.getProperty("user.home"));
    }

    private static Path fakeHelmOnly(MockKube kube) {
        try {
            Path dir = kube.fakeBin().resolveSibling("bin-no-kind");
            Files.createDirectories(dir);
            Path helm = dir.resolve("helm");
            if (!Files.exists(helm)) {
                Files.createSymbolicLink(helm, kube.fakeBin().resolve("helm"));
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void kindModeCreatesInstallsRunsAndDeletes() throws Exception {
        try (HealthStubs pods = new HealthStubs(204, 204, 204);
             MockKube kube = MockKube.builder(pods).contextName("kind-ci-test").start()) {
            Run run = script(envWith(kube, true), "--kind", "--cluster-name", "ci-test", "--image-tag", "26.8.1",
                    "--report-dir", tmp.resolve("r").toString(), "--phases", "health", "--timeout", "20s");
            assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
            assertEquals(List.of("create cluster --name ci-test --wait 60s", "delete cluster --name ci-test"), kube.calls("kind"));
            assertEquals(List.of("upgrade --install test-arcadedb charts/arcadedb --namespace default --create-namespace"
                    + " --set replicaCount=3 --set image.pullPolicy=IfNotPresent --set image.tag=26.8.1 --wait --timeout 5m"), kube.calls("helm"));
            assertTrue(run.stdout().contains("[1/1] health passed"), run.stdout());
            assertTrue(Files.exists(tmp.resolve("r/report.json")), "the suite wrote its report where the script said");
        }
    }

    @Test
    void withChaosInstallsChaosMeshForContainerdAfterTheChart() throws Exception {
        try (HealthStubs pods = new HealthStubs(204, 204, 204);
             MockKube kube = MockKube.builder(pods).contextName("kind-ci-test").start()) {
            Run run = script(envWith(kube, true), "--kind", "--with-chaos", "--cluster-name", "ci-test",
                    "--report-dir", tmp.resolve("r").toString(), "--phases", "health", "--timeout", "20s");
            assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
            List<String> helm = kube.calls("helm");
            assertEquals(2, helm.size(), "the chart, then Chaos Mesh: " + helm);
            assertTrue(helm.get(0).startsWith("upgrade --install test-arcadedb charts/arcadedb "), helm.get(0));
            assertEquals("upgrade --install chaos-mesh chaos-mesh --repo https://charts.chaos-mesh.org --version 2.8.2 --namespace chaos-mesh"
                    + " --create-namespace --wait --timeout 5m --set chaosDaemon.runtime=containerd"
                    + " --set chaosDaemon.socketPath=/run/containerd/containerd.sock --set dashboard.create=false", helm.get(1));
        }
    }

    @Test
    void aFailedRunExportsKindLogsAndKeepsTheClusterWhenAsked() throws Exception {
        try (HealthStubs pods = new HealthStubs(204, 503, 204);
             MockKube kube = MockKube.builder(pods).contextName("kind-arcadedb-ha").start()) {
            Run run = script(envWith(kube, true), "--kind", "--keep-cluster", "--report-dir", tmp.resolve("r").toString(),
                    "--phases", "health", "--timeout", "2s");
            assertEquals(1, run.exitCode(), run.stdout() + run.stderr());
            assertEquals(List.of("create cluster --name arcadedb-ha --wait 60s",
                    "export logs " + tmp.resolve("r/kind-logs") + " --name arcadedb-ha"), kube.calls("kind"));
            assertTrue(run.stdout().contains("keeping kind cluster 'arcadedb-ha' after a failure"), run.stdout());
            assertTrue(Files.readString(tmp.resolve("r/summary.txt")).contains("Failed phase: health"));
        }
    }

    @Test
    void kindModeWithoutKindIsOneClearLine() throws Exception {
        try (HealthStubs pods = new HealthStubs(204);
             MockKube kube = MockKube.builder(pods).replicas(1).start()) {
            Run run = script(envWith(kube, false), "--kind");
            assertEquals(1, run.exitCode());
            assertTrue(run.stderr().strip().endsWith("error: kind is not on PATH; install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)"
                    + " or run against an existing cluster without --kind"), run.stderr());
            assertEquals(List.of(), kube.calls("kind"));
        }
    }

    @Test
    void currentContextModeRunsTheSuiteWithoutInstalling() throws Exception {
        try (HealthStubs pods = new HealthStubs(204, 204, 204);
             MockKube kube = MockKube.builder(pods).start()) {
            Run run = script(envWith(kube, false), "--phases", "health", "--report-dir", tmp.resolve("r").toString());
            assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
            assertEquals(List.of(), kube.calls("helm"), "nothing is installed without --install");
        }
    }

    @Test
    void anUnknownOptionIsNamedAtOnce() throws Exception {
        Run bad = script(Map.of("PATH", "/usr/bin:/bin"), "--bogus", "x");
        assertEquals(2, bad.exitCode(), bad.stdout() + bad.stderr());
        assertEquals("error: unknown option '--bogus'; see ci/integration-test.sh --help", bad.stderr().strip());
        Run typo = script(Map.of("PATH", "/usr/bin:/bin"), "--phase=health");
        assertEquals(2, typo.exitCode());
        assertEquals("error: unknown option '--phase=health'; see ci/integration-test.sh --help", typo.stderr().strip());
    }

    @Test
    void nothingToTestIsOneShortLine() throws Exception {
        Run run = script(noKubeEnv(), "--phases", "health");
        assertEquals(1, run.exitCode(), run.stdout() + run.stderr());
        String line = run.stderr().strip().lines().reduce((a, b) -> b).orElse("");
        assertEquals("error: nothing to test: pass --kind, --context NAME, or --target local with --arcadedb-home DIR or ARCADEDB_HOME"
                + " (see --help)", line);
    }

    private Map<String, String> noKubeEnv() {
        return new java.util.HashMap<>(Map.of("PATH", ROOT.resolve(".tools/bin") + ":/usr/local/bin:/usr/bin:/bin",
                "KUBECONFIG", tmp.resolve("no-kubeconfig").toString(), "HOME", tmp.toString(),
                "JBANG_DIR", ROOT.resolve(".tools/jbang-home").toString()));
    }

    /** ARCADEDB_HOME is the installation of --target local, for the script as for the driver: it never picks the target. */
    @Test
    void arcadedbHomeDoesNotPickTheTargetAsItDoesNotForTheDriver() throws Exception {
        try (HealthStubs pods = new HealthStubs(204, 204, 204);
             MockKube kube = MockKube.builder(pods).start()) {
            Map<String, String> env = new java.util.HashMap<>(envWith(kube, false));
            env.put("ARCADEDB_HOME", tmp.resolve("no-arcadedb").toString());
            Run run = script(env, "--phases", "health", "--report-dir", tmp.resolve("r").toString());
            assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
            assertTrue(run.stdout().contains("== jbang scripts/ArcadedbHa.java --release test-arcadedb"), run.stdout());
            assertTrue(run.stdout().contains("[1/1] health passed"), run.stdout());
            String doc = Files.readString(ROOT.resolve("docs/running-locally.md"));
            assertTrue(doc.contains("`ARCADEDB_HOME` never chooses the target"), "the doc says the same order");
        }
    }

    /** A wrong ARCADEDB_HOME is named as the variable, not as an --arcadedb-home the user never passed. */
    @Test
    void aWrongArcadedbHomeIsNamedAsTheVariable() throws Exception {
        Map<String, String> env = noKubeEnv();
        env.put("ARCADEDB_HOME", tmp.resolve("no-arcadedb").toString());
        Run run = script(env, "--target", "local", "--phases", "health", "--report-dir", tmp.resolve("r").toString());
        assertEquals(2, run.exitCode(), run.stdout() + run.stderr());
        assertTrue(run.stderr().contains("error: ARCADEDB_HOME " + tmp.resolve("no-arcadedb") + ": no such directory"), run.stderr());
        assertFalse(run.stderr().contains("--arcadedb-home " + tmp.resolve("no-arcadedb")), run.stderr());
    }

    /** Run from another folder, the paths given are the caller's: ../x means next to that folder, not next to the repository. */
    @Test
    void pathsAreRelativeToTheCallersFolderAndEveryOptionTakesTheEqualsForm() throws Exception {
        Path caller = Files.createDirectories(tmp.resolve("caller"));
        Files.createDirectories(tmp.resolve("home/lib"));  // a distribution without jars: the driver says so, naming the folder it got
        Run run = scriptIn(caller, noKubeEnv(), "--target=local", "--nodes=5", "--report-dir=reports", "--run-id=rel-paths",
                "--arcadedb-home=../home", "--work-dir", "work", "--phases=health");
        assertEquals(2, run.exitCode(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("== jbang scripts/ArcadedbHa.java --target local --report-dir " + caller.resolve("reports")
                + " --nodes 5 --run-id rel-paths --arcadedb-home " + caller + "/../home --work-dir " + caller + "/work --phases health"),
                run.stdout());
        assertTrue(run.stderr().contains("--arcadedb-home " + caller + "/../home has no jars in lib/"), run.stderr());
    }

    @Test
    void contextIsPassedOnAndDecidesForKubernetes() throws Exception {
        try (HealthStubs pods = new HealthStubs(204, 204, 204);
             MockKube kube = MockKube.builder(pods).start()) {
            Map<String, String> env = new java.util.HashMap<>(envWith(kube, false));
            env.put("ARCADEDB_HOME", tmp.resolve("no-arcadedb").toString());
            Run run = script(env, "--context", "mock", "--phases", "health", "--report-dir", tmp.resolve("r").toString());
            assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
            assertTrue(run.stdout().contains("--report-dir " + tmp.resolve("r") + " --context mock --run-id "), run.stdout());
            assertTrue(run.stdout().contains("[1/1] health passed"), run.stdout());
        }
    }

    /** The script passes the driver's options on and rejects others, so its lists must name exactly the driver's. */
    @Test
    void theScriptKnowsEveryOptionOfTheDriver() throws Exception {
        String text = Files.readString(ROOT.resolve("ci/integration-test.sh"));
        java.util.Set<String> listed = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("SUITE_(?:FLAGS|VALUE_OPTIONS)\\+?=\"([^\"]*)\"").matcher(text);
        while (m.find()) {
            listed.addAll(List.of(m.group(1).trim().split("\\s+")));
        }
        java.util.Set<String> ownedByTheScript = java.util.Set.of("--target", "--context", "-n", "--namespace", "--release",
                "--report-dir", "--run-id", "--nodes", "-h", "--help", "-V", "--version");
        java.util.Set<String> driver = new java.util.TreeSet<>();
        for (picocli.CommandLine.Model.OptionSpec o : new picocli.CommandLine(new ha.scripts.ArcadedbHa()).getCommandSpec().options()) {
            for (String name : o.names()) {
                if (!ownedByTheScript.contains(name)) {
                    driver.add(name);
                }
            }
            if (o.negatable()) {
                driver.add("--no-" + o.longestName().substring(2));
            }
        }
        assertEquals(driver, listed);
    }

    @Test
    void helpAndUnknownSuiteOptions() throws Exception {
        Run help = script(Map.of(), "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().startsWith("Usage: ci/integration-test.sh"), help.stdout());
        Run bad = script(Map.of(), "--cluster-name");
        assertEquals(2, bad.exitCode());
        assertEquals("error: --cluster-name needs a value", bad.stderr().strip());
    }
}
