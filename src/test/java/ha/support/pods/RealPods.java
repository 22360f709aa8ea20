package ha.support.pods;

import ha.core.SuiteException;
import ha.support.kube.MockKube;
import ha.target.kube.Helm;
import ha.target.local.LocalInstall;
import ha.target.local.LocalJava;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The chart installed on a "cluster" whose pods are real ArcadeDB processes: the mock API server
 * (MockKube: store, port-forward relay, kubeconfig, fake helm) with {@link ChartPods} running the pods.
 * {@link #requirePrerequisites()} skips a test, with one line saying why, when busybox, the real
 * installation or a JDK 21+ is missing.
 */
public final class RealPods implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", System.getProperty("user.dir"))).toAbsolutePath();
    public static final Path CHART = ROOT.resolve("charts/arcadedb");

    private final MockKube kube;
    private final ChartPods pods;
    private final Path base;

    private RealPods(MockKube kube, ChartPods pods, Path base) {
        this.kube = kube;
        this.pods = pods;
        this.base = base;
    }

    /** What one machine needs to run the chart's pods, or the one line a skipped test prints. */
    record Prerequisites(Path installation, Path jdk, Path busybox, String missing) {
    }

    public static Prerequisites prerequisites() {
        Path busybox = Stream.of("/usr/bin/busybox", "/bin/busybox").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (busybox == null) {
            return new Prerequisites(null, null, null, "busybox is not installed (ci/bootstrap.sh installs Debian's busybox package"
                    + " where it can): the chart's pods run their start script under busybox sh, like the Alpine image");
        }
        String env = System.getenv("ARCADEDB_HOME");
        Path installation = env != null && !env.isBlank() ? Path.of(env) : ROOT.resolve("../shared/arcadedb/26.8.1").normalize();
        if (!Files.isRegularFile(installation.resolve("bin/server.sh")) || !Files.isDirectory(installation.resolve("lib"))) {
            return new Prerequisites(null, null, busybox, "no ArcadeDB 26.8.1 installation at " + installation
                    + " (bin/server.sh and lib/; set ARCADEDB_HOME to use another)");
        }
        try {
            LocalJava jdk = LocalJava.find(null, System.getenv());
            return new Prerequisites(installation, jdk.home(), busybox, null);
        } catch (SuiteException e) {
            return new Prerequisites(installation, null, busybox, e.getMessage());
        }
    }

    /** Skips the calling test (JUnit assumption) with one line when the machine cannot run real pods. */
    public static Prerequisites requirePrerequisites() {
        Prerequisites p = prerequisites();
        Assumptions.assumeTrue(p.missing() == null, () -> "skipped: " + p.missing());
        return p;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path chart = CHART;
        private String release = "test-arcadedb";
        private String namespace = "default";
        private final Map<String, String> values = new LinkedHashMap<>();
        private boolean chaosMesh;

        /**
         * Plays Chaos Mesh (its CRD; a NetworkChaos cuts the pods it names with nft on pair addresses); needs root and nft,
         * else the calling test is skipped with the reason.
         */
        public Builder chaosMesh(boolean v) {
            chaosMesh = v;
            return this;
        }

        public Builder chart(Path v) {
            chart = v;
            return this;
        }

        public Builder release(String v) {
            release = v;
            return this;
        }

        /** A --set value of the install. */
        public Builder set(String key, String value) {
            values.put(key, value);
            return this;
        }

        public RealPods start() {
            Prerequisites p = requirePrerequisites();
            try {
                Path base = Files.createTempDirectory("real-pods-");
                PodFiles.chmod(base, 0755);
                Path applets = Files.createDirectories(base.resolve("busybox-applets"));
                PodFiles.chmod(applets, 0755);
                Process install = new ProcessBuilder(p.busybox().toString(), "--install", "-s", applets.toString())
                        .redirectErrorStream(true).start();
                String out = new String(install.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (install.waitFor() != 0 || !Files.exists(applets.resolve("sh"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalStateException("busybox --install -s " + applets + " made no applet links: " + out.trim());
                }
                boolean root = Long.valueOf(0).equals(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue());
                PodRewrites.Setup setup = new PodRewrites.Setup(p.installation(), p.jdk(), p.busybox(), applets, base.resolve("hosts"), root);
                ChartPods pods = new ChartPods(chart, release, namespace, values, new Helm(helmExecutable(), null, namespace), setup, base);
                if (chaosMesh) {
                    String why = ha.target.local.LocalNetwork.unavailableReason();
                    Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
                    pods.playChaosMesh();
                }
                // named as kind names its contexts, so that the suite's pause runs, the fake docker playing the kind node
                MockKube kube = MockKube.builder(pods).namespace(namespace).release(release).chaosMesh(chaosMesh)
                        .contextName("kind-fixture").start();
                return new RealPods(kube, pods, base);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The helm ci/bootstrap.sh installed, else helm from PATH. */
    static String helmExecutable() {
        return Stream.of(".tools/helm/bin/helm", ".tools/bin/helm").map(ROOT::resolve).filter(Files::isExecutable)
                .map(Path::toString).findFirst().orElse("helm");
    }

    public MockKube kube() {
        return kube;
    }

    public ChartPods pods() {
        return pods;
    }

    /** The folder holding every pod's folders, claims and logs (kept after close for a failed test to be read). */
    public Path base() {
        return base;
    }

    /** The rewrites, the controller's and kubelet's events, each pod's last log lines: what a failed test prints. */
    public String story() {
        StringBuilder out = new StringBuilder(PodRewrites.describe());
        out.append("events:\n");
        pods.events().forEach(e -> out.append("  ").append(e).append('\n'));
        for (int ordinal = 0; ; ordinal++) {
            String pod = pods.statefulSetName() + "-" + ordinal;
            String log = pods.log(pod, false);
            if (log == null) {
                break;
            }
            out.append("last lines of ").append(pod).append("'s log:\n");
            lastLines(log, 15).forEach(l -> out.append("  ").append(l).append('\n'));
        }
        return out.toString();
    }

    /** Stops every pod; their folders are deleted unless HA_KEEP_PODS=1 asks to keep them for a look afterwards. */
    @Override
    public void close() {
        kube.close();
        if ("1".equals(System.getenv("HA_KEEP_PODS"))) {
            System.out.println("pods' folders kept in " + base);
            return;
        }
        try {
            LocalInstall.deleteTree(base);
        } catch (IOException | UncheckedIOException e) {
            System.out.println("could not delete all of the pods' folders in " + base + ": " + e.getMessage());
        }
    }

    static List<String> lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }
}
