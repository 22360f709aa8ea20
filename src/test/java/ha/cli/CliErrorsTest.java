package ha.cli;

import ha.support.kube.MockKube;
import ha.run.Cli;
import ha.scripts.ArcadedbHa;
import ha.scripts.HaHealth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets one clear line and the right exit code: 2 for usage, 1 when the environment is not usable. */
class CliErrorsTest {
    @TempDir
    Path tmp;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream oldErr;
    private PrintStream oldOut;

    @BeforeEach
    void capture() {
        oldErr = System.err;
        oldOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(oldErr);
        System.setOut(oldOut);
        System.clearProperty("kubeconfig");
        ha.core.Log.redirect(System.out, System.err);
    }

    private int run(Object command, String... args) {
        ha.core.Log.redirect(System.out, System.err);
        String[] all = new String[args.length + 2];
        all[0] = "--report-dir";
        all[1] = tmp.resolve("reports").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.execute(command, all);
    }

    private String errorLine() {
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, lines.size(), "exactly one error line in: " + err);
        assertTrue(!err.toString(StandardCharsets.UTF_8).contains("\tat "), "no stack trace: " + err);
        return lines.get(0);
    }

    @Test
    void everyHelpNamesTheEnvironmentItReads() {
        ha.core.Log.redirect(System.out, System.err);
        assertEquals(0, Cli.execute(new HaHealth(), "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("  HA_ROOT_PASSWORD      --target local: the servers' root password"), help);
        assertTrue(help.contains("way it is kept in <work dir>/root-password (mode\n                        0600) and never printed."), help);
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run(new ArcadedbHa(), "--bogus"));
        assertEquals("error: Unknown option: '--bogus'", errorLine());
    }

    @Test
    void badDurationIsAUsageError() {
        assertEquals(2, run(new HaHealth(), "--timeout", "soon"));
        assertTrue(errorLine().contains("'soon' is not a duration (examples: 90s, 2m, 1m30s, 500ms)"), err.toString());
    }

    @Test
    void unknownPhaseIsAUsageError() {
        assertEquals(2, run(new ArcadedbHa(), "--phases", "health,chaos"));
        assertEquals("error: unknown phase 'chaos'; phases: rollout, health, quorum, write, read, replica-health, transfer, "
                + "scale-up, snapshot-recovery, failover, pause, rolling-restart, partition", errorLine());
    }

    @Test
    void unknownCollectValueIsAUsageError() {
        assertEquals(2, run(new ArcadedbHa(), "--collect", "sometimes"));
        assertTrue(errorLine().contains("'sometimes' is not one of on-failure, always, never"), err.toString());
    }

    @Test
    void anUnwritableReportDirIsAUsageError() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        ha.core.Log.redirect(System.out, System.err);
        assertEquals(2, Cli.execute(new HaHealth(), "--report-dir", file.resolve("sub").toString()));
        assertEquals("error: --report-dir " + file.resolve("sub") + ": " + file + " is a file, not a folder", errorLine());
    }

    @Test
    void noKubeContextIsOneLine() {
        System.setProperty("kubeconfig", tmp.resolve("missing-kubeconfig").toString());
        assertEquals(1, run(new HaHealth()));
        assertEquals("error: no Kubernetes context: no kubeconfig with a current context was found (KUBECONFIG or ~/.kube/config);"
                + " pass --context, or use --target local", errorLine());
    }

    @Test
    void anUnknownContextNamesTheKnownOnes() throws Exception {
        try (MockKube kube = MockKube.builder(NoBackend.INSTANCE).start()) {
            System.setProperty("kubeconfig", kube.kubeconfig().toString());
            assertEquals(2, run(new HaHealth(), "--context", "prod"));
            assertEquals("error: kube context 'prod' is not in your kubeconfig; known contexts: mock", errorLine());
        }
    }

    @Test
    void anUnreachableApiServerIsOneLine() throws Exception {
        Path cfg = tmp.resolve("kubeconfig");
        Files.writeString(cfg, """
            apiVersion: v1
            kind: Config
            clusters: [{name: gone, cluster: {server: "http://127.0.0.1:9"}}]
            contexts: [{name: gone, context: {cluster: gone, user: u, namespace: default}}]
            current-context: gone
            users: [{name: u, user: {token: t}}]
            """);
        System.setProperty("kubeconfig", cfg.toString());
        assertEquals(1, run(new HaHealth()));
        assertTrue(errorLine().startsWith("error: cannot reach the Kubernetes API server at http://127.0.0.1:9/ (context gone):"), err.toString());
        String report = Files.readString(tmp.resolve("reports/report.json"));
        assertTrue(report.contains("\"status\" : \"error\""), report);
        assertTrue(report.contains("could not use the cluster: cannot reach the Kubernetes API server"), report);
        String junit = Files.readString(tmp.resolve("reports/junit.xml"));
        assertTrue(junit.contains("errors=\"1\""), "CI must see an error, not phases merely skipped: " + junit);
        assertTrue(junit.contains("<testcase classname=\"arcadedb-ha\" name=\"start\" time=\"0.000\">\n      <error message=\"could not use the cluster:"
                + " cannot reach the Kubernetes API server"), junit);
        assertTrue(Files.readString(tmp.resolve("reports/summary.txt")).contains("The run could not start: could not use the cluster"));
    }

    @Test
    void aClusterThatCannotLoseANodeIsRefusedUnlessAllowed() {
        assertEquals(2, run(new ArcadedbHa(), "--target", "local", "--nodes", "2"));
        assertEquals("error: --nodes 2 cannot keep a Raft majority when a node is lost (that needs 3 or more); "
                + "pass --allow-small-cluster to run on 2 nodes anyway", errorLine());
    }

    @Test
    void aRejectedCommandLineLeavesNoReports() {
        assertEquals(2, run(new ArcadedbHa(), "--target", "local", "--nodes", "0"));
        assertTrue(errorLine().startsWith("error: --nodes must be at least"), err.toString());
        assertTrue(!Files.exists(tmp.resolve("reports")), "a usage error writes no junit.xml that CI could read as all skipped");
    }

    @Test
    void aMissingSecretIsOneLine() throws Exception {
        try (MockKube kube = MockKube.builder(NoBackend.INSTANCE).withoutSecret().start()) {
            System.setProperty("kubeconfig", kube.kubeconfig().toString());
            assertEquals(1, run(new HaHealth()));
            assertEquals("error: the Secret 'test-arcadedb-credentials' named by StatefulSet test-arcadedb for the root password"
                    + " is missing in namespace 'default'", errorLine());
        }
    }

    /** A StatefulSet of the chart before the Secret-file design (password in a dotted env name) is named, not guessed at. */
    @Test
    void aStatefulSetWithoutThePasswordFileIsOneLine() throws Exception {
        try (MockKube kube = MockKube.builder(NoBackend.INSTANCE).start()) {
            kube.client().apps().statefulSets().withName(kube.statefulSetName()).edit(s -> {
                s.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()
                        .removeIf(a -> a.startsWith("-Darcadedb.server.rootPasswordPath="));
                return s;
            });
            System.setProperty("kubeconfig", kube.kubeconfig().toString());
            assertEquals(1, run(new HaHealth()));
            assertEquals("error: StatefulSet test-arcadedb passes no -Darcadedb.server.rootPasswordPath=<file> argument for the"
                    + " root password; is it installed by this chart (the version that mounts the Secret as a file)?", errorLine());
        }
    }

    @Test
    void aPasswordFileOutsideEveryMountIsOneLine() throws Exception {
        try (MockKube kube = MockKube.builder(NoBackend.INSTANCE).start()) {
            kube.client().apps().statefulSets().withName(kube.statefulSetName()).edit(s -> {
                s.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts()
                        .removeIf(m -> m.getName().equals("root-password"));
                return s;
            });
            System.setProperty("kubeconfig", kube.kubeconfig().toString());
            assertEquals(1, run(new HaHealth()));
            assertEquals("error: StatefulSet test-arcadedb reads the root password from /run/secrets/arcadedb/root/password,"
                    + " but no volume is mounted over that path in container arcadedb", errorLine());
        }
    }

    @Test
    void aMissingReleaseSaysHowToFixIt() throws Exception {
        try (MockKube kube = MockKube.builder(NoBackend.INSTANCE).start()) {
            System.setProperty("kubeconfig", kube.kubeconfig().toString());
            assertEquals(1, run(new HaHealth(), "--release", "other"));
            assertTrue(errorLine().startsWith("error: no ArcadeDB StatefulSet of release 'other' in namespace 'default'"), err.toString());
        }
    }

    /** A backend with no servers: these tests never reach a node. */
    enum NoBackend implements MockKube.Backend {
        INSTANCE;

        public int httpPort(int ordinal) {
            return 9;
        }

        public void podDeleted(int ordinal) {
        }

        public void podStarted(int ordinal, boolean fresh) {
        }

        public void scaled(int replicas) {
        }

        public List<String> log(int ordinal) {
            return List.of();
        }
    }
}
