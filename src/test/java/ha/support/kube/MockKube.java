package ha.support.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server for tests: fabric8's mock server in CRUD mode, holding what the chart
 * installs (StatefulSet, Secret, the two Services, pods; the StatefulSet in the chart's shape for what the suite reads:
 * the -D arguments, and the root password and cluster token as Secret volumes mounted where the file settings point;
 * the Services with the chart's names, labels and selector: the client Service {@code <statefulset>-http} and the
 * headless {@code <statefulset>}), plus
 * <ul>
 *   <li>a port-forward relay: a pod's port-forward WebSocket is bridged to a local TCP port (a
 *       simulator node), so the suite's Kubernetes path runs end to end;</li>
 *   <li>a small StatefulSet controller: deleted pods come back with a new UID, spec.replicas changes
 *       create or remove pods, status fields move as the real controller moves them;</li>
 *   <li>a fake kubelet: every pod starts not Ready, with status.startTime and its container's
 *       state.running.startedAt of that incarnation, and is probed on the backend's {@code GET /api/v1/ready} as the
 *       chart's readiness probe does (values.yaml probes.readiness: initial delay, period, timeout, failure and success
 *       thresholds); its Ready condition follows the answers. The probe's times are scaled down
 *       ({@link Builder#probePeriod}), with a timeout of at least 1 s; the startup and liveness probes are not run
 *       (a pod's readiness is probed from its start, and a failing backend is never restarted);</li>
 *   <li>a kubeconfig file, so a suite started as a child process reaches this server;</li>
 *   <li>a fake {@code helm} executable whose {@code upgrade --set replicaCount=N} this controller applies.</li>
 * </ul>
 */
public final class MockKube implements AutoCloseable {
    /** What the pods run. Usually simulator nodes. */
    public interface Backend {
        int httpPort(int ordinal);

        /** The pod's container stopped (deleted pod). */
        void podDeleted(int ordinal);

        /** A pod (re)started; {@code freshVolumes} when it has no state from before. */
        void podStarted(int ordinal, boolean freshVolumes);

        /** The StatefulSet now asks for this many replicas. */
        void scaled(int replicas);

        List<String> log(int ordinal);

        /** The kind node sent the pod's container process {@code signal} ("STOP", "CONT"); by default nothing happens. */
        default void signal(int ordinal, String signal) {
        }

        /** Cuts the nodes of {@code a} from those of {@code b}, both ways (Chaos Mesh's part, {@link Builder#chaosMesh}). */
        default void cut(List<Integer> a, List<Integer> b) {
            throw new UnsupportedOperationException("this backend plays no network cuts");
        }

        /** Lifts that cut. */
        default void heal(List<Integer> a, List<Integer> b) {
        }
    }

    /**
     * Pods run by something that owns the objects itself (the chart's rendered objects, real processes):
     * it installs them, acts as the StatefulSet controller and the kubelet on every round, and answers for
     * its pods' deletes, logs and port-forwards. MockKube then keeps only its store, relay, kubeconfig and
     * fake tools.
     */
    public interface PodRuntime extends AutoCloseable {
        /** Creates the release's objects through {@code kube.client()}; called once the server is up. */
        void install(MockKube kube);

        /** One controller round (every 50 ms, never concurrently). */
        void reconcile();

        /** The local port a port-forward to the pod's {@code containerPort} reaches, or -1 when the pod is not running. */
        int localPort(String pod, int containerPort);

        /** The pod's log ({@code previous}: of its last terminated container), or null when there is none. */
        String log(String pod, boolean previous);

        /** How the runtime cuts its pods apart when a NetworkChaos appears ({@link Builder#chaosMesh}); null: it cannot. */
        default ChaosMeshStandIn.Network network() {
            return null;
        }

        /** Handles DELETE of a pod (null: let the store delete it at once). */
        MockResponse deletePod(String pod, RecordedRequest request);

        /**
         * The kind node sent {@code signal} ("STOP", "CONT") to the container process of the pod with this ordinal (the
         * fake docker's {@code kill}); by default nothing happens.
         */
        default void signal(int ordinal, String signal) {
        }

        @Override
        void close();
    }

    private static final Pattern PORT_FORWARD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/portforward\\?ports=(\\d+)");
    private static final Pattern POD_LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log(\\?.*)?");
    private static final Pattern POD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)(\\?.*)?");
    private static final List<String> CLAIMS = List.of("data", "raft", "config");

    private final String namespace;
    private final String release;
    private final String stsName;
    private final Backend backend;
    private final PodRuntime runtime;
    private final boolean persistence;
    private final Duration recreateDelay;
    private final String contextName;
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final Path dir;
    private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();
    private final Map<String, List<io.fabric8.mockwebserver.http.WebSocket>> openSockets = new ConcurrentHashMap<>();
    private final Set<String> livePods = ConcurrentHashMap.newKeySet();
    private final Set<Integer> neverReady = ConcurrentHashMap.newKeySet();
    private final ReadinessProbe probe;
    private final Map<String, Probed> probed = new ConcurrentHashMap<>();
    private final HttpClient probeClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mock-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, Long> pendingStart = new ConcurrentHashMap<>();
    private final ScheduledExecutorService controller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mock-sts-controller");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean rolloutStuck;
    /** Chaos Mesh's part (its CRD, NetworkChaos applied to the pods), or null when the builder did not ask for it. */
    private volatile ChaosMeshStandIn chaosMesh;
    private volatile RuntimeException lastControllerError;
    private volatile int knownReplicas;
    private int helmLinesSeen;
    private int dockerLinesSeen;

    private MockKube(Builder b) throws IOException {
        this.namespace = b.namespace;
        this.release = b.release;
        this.stsName = release.contains("arcadedb") ? release : release + "-arcadedb";
        this.backend = b.backend;
        this.runtime = b.runtime;
        this.persistence = b.persistence;
        this.recreateDelay = b.recreateDelay;
        this.contextName = b.contextName;
        this.probe = ReadinessProbe.ofChart(b.probePeriod);
        this.dir = Files.createTempDirectory("mock-kube");
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new RelayingDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        this.client = server.createClient().inNamespace(namespace);
        writeKubeconfig();
        writeFakeTools();
        if (b.chaosMesh) {
            ChaosMeshStandIn.Network network = runtime != null ? runtime.network() : new ChaosMeshStandIn.Network() {
                @Override
                public void cut(List<String> podsA, List<String> podsB) {
                    backend.cut(ordinals(podsA), ordinals(podsB));
                }

                @Override
                public void heal(List<String> podsA, List<String> podsB) {
                    backend.heal(ordinals(podsA), ordinals(podsB));
                }
            };
            if (network == null) {
                throw new IllegalStateException("chaosMesh(true) with a pod runtime that cannot cut its pods apart");
            }
            ChaosMeshStandIn standIn = new ChaosMeshStandIn(client, namespace, network);
            standIn.installCrd();
            chaosMesh = standIn;
        }
        if (runtime != null) {
            runtime.install(this);
            controller.scheduleWithFixedDelay(this::reconcileRuntime, 50, 50, TimeUnit.MILLISECONDS);
        } else {
            install(b);
            controller.scheduleWithFixedDelay(this::reconcile, 50, 50, TimeUnit.MILLISECONDS);
            long tick = Math.max(1, Math.min(probe.periodNanos(), TimeUnit.MILLISECONDS.toNanos(50)) / 2);
            kubelet.scheduleWithFixedDelay(this::probePods, tick, tick, TimeUnit.NANOSECONDS);
        }
    }

    public static Builder builder(Backend backend) {
        return new Builder(backend, null);
    }

    /** A mock API server whose pods {@code runtime} runs (it installs the objects; replicas, password and settings do not apply). */
    public static Builder builder(PodRuntime runtime) {
        return new Builder(null, runtime);
    }

    public static final class Builder {
        private final Backend backend;
        private final PodRuntime runtime;
        private String namespace = "default";
        private String release = "test-arcadedb";
        private int replicas = 3;
        private String password = "sim-root-password-0001";
        private boolean persistence;
        private boolean createSecret = true;
        private final List<String> extraArgs = new ArrayList<>();
        private Duration recreateDelay = Duration.ofMillis(300);
        private String contextName = "mock";
        private Duration probePeriod = Duration.ofMillis(50);
        private boolean chaosMesh;

        Builder(Backend backend, PodRuntime runtime) {
            this.backend = backend;
            this.runtime = runtime;
        }

        public Builder namespace(String v) {
            namespace = v;
            return this;
        }

        public Builder release(String v) {
            release = v;
            return this;
        }

        public Builder replicas(int v) {
            replicas = v;
            return this;
        }

        public Builder password(String v) {
            password = v;
            return this;
        }

        public Builder persistence(boolean v) {
            persistence = v;
            return this;
        }

        public Builder withoutSecret() {
            createSecret = false;
            return this;
        }

        /** An ArcadeDB setting as the chart renders it, e.g. "arcadedb.ha.snapshotThreshold=50". */
        public Builder setting(String keyValue) {
            extraArgs.add("-D" + keyValue);
            return this;
        }

        /** The kubeconfig context's name (kind names its contexts kind-<cluster>). */
        public Builder contextName(String v) {
            contextName = v;
            return this;
        }

        public Builder recreateDelay(Duration v) {
            recreateDelay = v;
            return this;
        }

        /**
         * The readiness probe's period (the chart's 5 s is too slow for tests; default 50 ms). Its initial delay and
         * timeout are scaled by the same factor, the timeout to no less than 1 s.
         */
        public Builder probePeriod(Duration v) {
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("probe period must be positive: " + v);
            }
            probePeriod = v;
            return this;
        }

        /** Plays Chaos Mesh: its NetworkChaos CRD exists, and each NetworkChaos is applied to the pods it names. */
        public Builder chaosMesh(boolean v) {
            chaosMesh = v;
            return this;
        }

        public MockKube start() {
            try {
                return new MockKube(this);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---------------------------------------------------------------- what the chart would install

    private void install(Builder b) {
        String secretName = stsName + "-credentials";
        if (b.createSecret) {
            client.secrets().resource(new SecretBuilder().withNewMetadata().withName(secretName).endMetadata()
                    .addToData("rootPassword", Base64.getEncoder().encodeToString(b.password.getBytes(StandardCharsets.UTF_8)))
                    .addToData("clusterToken", Base64.getEncoder().encodeToString("sim-cluster-token-0001".getBytes(StandardCharsets.UTF_8)))
                    .build()).create();
        }
        String suffix = "." + stsName + "." + namespace + ".svc.cluster.local";
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < b.replicas; i++) {
            servers.add(stsName + "-" + i + suffix + ":2434:2480");
        }
        List<String> args = new ArrayList<>(List.of("-Darcadedb.server.name=$(HOSTNAME)",
                "-Darcadedb.server.rootPasswordPath=/run/secrets/arcadedb/root/password", "-Darcadedb.ha.enabled=true",
                "-Darcadedb.ha.k8s=true", "-Darcadedb.ha.k8sSuffix=" + suffix, "-Darcadedb.ha.raftPort=2434",
                "-Darcadedb.ha.serverList=" + String.join(",", servers),
                "-Darcadedb.ha.clusterTokenPath=/run/secrets/arcadedb/cluster/token"));
        args.addAll(b.extraArgs);
        StatefulSetBuilder sts = new StatefulSetBuilder()
                .withNewMetadata().withName(stsName).addToLabels(labels()).endMetadata()
                .withNewSpec().withReplicas(b.replicas).withServiceName(stsName).withPodManagementPolicy("Parallel")
                .withNewSelector().addToMatchLabels(labels()).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels(labels()).endMetadata()
                .withNewSpec().addToContainers(new ContainerBuilder().withName("arcadedb").withImage("arcadedata/arcadedb:26.8.1")
                        .withArgs(args)
                        .addNewPort().withName("http").withContainerPort(2480).endPort()
                        .addNewPort().withName("raft").withContainerPort(2434).endPort()
                        .addToEnv(new EnvVarBuilder().withName("HOSTNAME").withNewValueFrom()
                                .withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().build())
                        .addNewVolumeMount().withName("root-password").withMountPath("/run/secrets/arcadedb/root").withReadOnly(true).endVolumeMount()
                        .addNewVolumeMount().withName("cluster-token").withMountPath("/run/secrets/arcadedb/cluster").withReadOnly(true).endVolumeMount()
                        .build())
                .addNewVolume().withName("root-password").withNewSecret().withSecretName(secretName).withDefaultMode(0440)
                        .addNewItem().withKey("rootPassword").withPath("password").endItem().endSecret().endVolume()
                .addNewVolume().withName("cluster-token").withNewSecret().withSecretName(secretName).withDefaultMode(0440)
                        .addNewItem().withKey("clusterToken").withPath("token").endItem().endSecret().endVolume()
                .endSpec().endTemplate().endSpec();
        StatefulSet built = sts.build();
        if (persistence) {
            for (String claim : CLAIMS) {
                built.getSpec().getVolumeClaimTemplates().add(new PersistentVolumeClaimBuilder().withNewMetadata().withName(claim).endMetadata().build());
            }
        }
        client.apps().statefulSets().resource(built).create();
        createServices();
        knownReplicas = b.replicas;
        for (int i = 0; i < b.replicas; i++) {
            createPod(i);
        }
        updateStatus();
    }

    private Map<String, String> labels() {
        return Map.of("app.kubernetes.io/name", "arcadedb", "app.kubernetes.io/instance", release);
    }

    /** The labels the chart gives its Services (arcadedb.labels in _helpers.tpl) plus their component. */
    private Map<String, String> serviceLabels(String component) {
        Map<String, String> l = new HashMap<>(labels());
        l.put("helm.sh/chart", "arcadedb-" + probe.chartVersion());
        l.put("app.kubernetes.io/version", probe.appVersion());
        l.put("app.kubernetes.io/managed-by", "Helm");
        l.put("app.kubernetes.io/part-of", "arcadedb");
        l.put("app.kubernetes.io/component", component);
        return l;
    }

    /** The chart's two Services (service-http.yaml, service-headless.yaml), selecting the pods by their selector labels. */
    private void createServices() {
        client.services().resource(new ServiceBuilder()
                .withNewMetadata().withName(stsName + "-http").addToLabels(serviceLabels("http")).endMetadata()
                .withNewSpec().withType("ClusterIP").addToSelector(labels())
                .addNewPort().withName("http").withPort(2480).withTargetPort(new IntOrString("http")).withProtocol("TCP").endPort()
                .endSpec().build()).create();
        client.services().resource(new ServiceBuilder()
                .withNewMetadata().withName(stsName).addToLabels(serviceLabels("headless")).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("None").withPublishNotReadyAddresses(true).addToSelector(labels())
                .addNewPort().withName("http").withPort(2480).withTargetPort(new IntOrString("http")).withProtocol("TCP").endPort()
                .addNewPort().withName("raft").withPort(2434).withTargetPort(new IntOrString("raft")).withProtocol("TCP").endPort()
                .endSpec().build()).create();
    }

    private String podName(int ordinal) {
        return stsName + "-" + ordinal;
    }

    private void createPod(int ordinal) {
        String name = podName(ordinal);
        if (persistence) {
            for (String claim : CLAIMS) {
                if (client.persistentVolumeClaims().withName(claim + "-" + name).get() == null) {
                    client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                            .withName(claim + "-" + name).endMetadata().build()).create();
                }
            }
        }
        boolean never = neverReady.contains(ordinal);
        // without a readiness probe a running container is ready at once; with one it starts not Ready
        boolean ready = !never && !probe.enabled();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String readyText = ready ? "True" : "False";
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withUid(UUID.randomUUID().toString()).addToLabels(labels()).endMetadata()
                .withNewSpec().withNodeName(KIND_NODE).addNewContainer().withName("arcadedb").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withStartTime(now)
                .addNewCondition().withType("Ready").withStatus(readyText).withLastTransitionTime(now).endCondition()
                .addNewCondition().withType("ContainersReady").withStatus(readyText).withLastTransitionTime(now).endCondition()
                .addNewContainerStatus().withName("arcadedb").withImage("arcadedata/arcadedb:26.8.1").withReady(ready).withStarted(true)
                .withContainerID("containerd://" + containerId(ordinal))
                .withRestartCount(0).withNewState().withNewRunning().withStartedAt(now).endRunning().endState().endContainerStatus()
                .endStatus()
                .build();
        // the API server gives the pod its own uid
        String uid = client.pods().resource(pod).create().getMetadata().getUid();
        livePods.add(name);
        if (probe.enabled()) {
            probed.put(name, new Probed(uid, ordinal, never, System.nanoTime() + probe.initialDelayNanos()));
        }
    }

    // ---------------------------------------------------------------- the kind node's side: docker exec … crictl / kill

    /** The node every pod of this mock runs on, as kind names its single node. */
    public static final String KIND_NODE = "kind-control-plane";
    /** The process id a pod's container has on the kind node: a number of no process here, never signalled for real. */
    private static final int FAKE_PID_BASE = 4_000_000;

    /** The container id a pod of this ordinal reports (containerd://…), which the fake docker's crictl knows. */
    public static String containerId(int ordinal) {
        return "mock" + ordinal;
    }

    /**
     * Applies the {@code kill -SIG PID} calls the fake docker recorded ({@code docker exec <node> kill -STOP <pid>}) to
     * the backend's node of that pid.
     */
    private void applyDockerCalls() {
        Path calls = dir.resolve("docker-calls.log");
        if ((backend == null && runtime == null) || !Files.exists(calls)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(calls);
        } catch (IOException e) {
            return;
        }
        for (int i = dockerLinesSeen; i < lines.size(); i++) {
            Matcher m = Pattern.compile("^exec \\S+ kill -(STOP|CONT) (\\d+)$").matcher(lines.get(i).strip());
            if (m.find()) {
                int ordinal = Integer.parseInt(m.group(2)) - FAKE_PID_BASE;
                if (backend != null) {
                    backend.signal(ordinal, m.group(1));
                } else {
                    runtime.signal(ordinal, m.group(1));
                }
            }
        }
        dockerLinesSeen = lines.size();
    }

    /** The kill signals the fake docker was asked to send, "STOP 4000001", in order. */
    public List<String> signalsSent() {
        return calls("docker").stream().map(String::strip).filter(l -> l.matches("exec \\S+ kill -(STOP|CONT) \\d+"))
                .map(l -> l.replaceFirst("^exec \\S+ kill -", "")).toList();
    }

    // ---------------------------------------------------------------- the fake kubelet's readiness probe

    /** The chart's readiness probe (values.yaml probes.readiness), its times scaled to {@code period}, and the chart's version. */
    record ReadinessProbe(boolean enabled, long initialDelayNanos, long periodNanos, long timeoutNanos, int failureThreshold,
                          int successThreshold, String chartVersion, String appVersion) {
        static ReadinessProbe ofChart(Duration period) {
            Path chart = ha.core.ProjectRoot.resolve("charts", "arcadedb");
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            try {
                JsonNode r = yaml.readTree(chart.resolve("values.yaml").toFile()).path("probes").path("readiness");
                JsonNode meta = yaml.readTree(chart.resolve("Chart.yaml").toFile());
                double scale = period.toNanos() / (r.path("periodSeconds").asDouble(10) * 1e9);
                long timeout = Math.max(TimeUnit.SECONDS.toNanos(1), (long) (r.path("timeoutSeconds").asDouble(1) * 1e9 * scale));
                return new ReadinessProbe(r.path("enabled").asBoolean(true), (long) (r.path("initialDelaySeconds").asDouble(0) * 1e9 * scale),
                        period.toNanos(), timeout, r.path("failureThreshold").asInt(3), r.path("successThreshold").asInt(1),
                        meta.path("version").asText(), meta.path("appVersion").asText());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the chart's readiness probe from " + chart + ": " + e.getMessage(), e);
            }
        }
    }

    /** One pod incarnation as the kubelet probes it. Fields other than the final ones are touched by the kubelet thread only. */
    private static final class Probed {
        final String uid;
        final int ordinal;
        final boolean neverReady;
        long dueNanos;
        volatile boolean inFlight;
        int successes;
        int failures;
        boolean ready;

        Probed(String uid, int ordinal, boolean neverReady, long dueNanos) {
            this.uid = uid;
            this.ordinal = ordinal;
            this.neverReady = neverReady;
            this.dueNanos = dueNanos;
        }
    }

    private void probePods() {
        long now = System.nanoTime();
        probed.keySet().removeIf(name -> !livePods.contains(name));
        probed.forEach((name, p) -> {
            if (p.inFlight || now - p.dueNanos < 0) {
                return;
            }
            p.inFlight = true;
            p.dueNanos = now + probe.periodNanos();
            HttpRequest request;
            try {
                request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.httpPort(p.ordinal) + "/api/v1/ready"))
                        .timeout(Duration.ofNanos(probe.timeoutNanos())).GET().build();
            } catch (RuntimeException e) {
                probed(name, p, false);
                return;
            }
            probeClient.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, error) -> kubeletStep(() -> probed(name, p, error == null && r.statusCode() >= 200 && r.statusCode() < 400)));
        });
    }

    /** Runs a probe's outcome on the kubelet thread, so that a pod's counters are only ever touched there. */
    private void kubeletStep(Runnable step) {
        try {
            kubelet.execute(step);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the mock is closing
        }
    }

    private void probed(String name, Probed p, boolean success) {
        p.inFlight = false;
        if (probed.get(name) != p) {
            return;   // the pod was deleted (or replaced) meanwhile
        }
        if (success) {
            p.successes++;
            p.failures = 0;
        } else {
            p.failures++;
            p.successes = 0;
        }
        boolean want = p.ready;
        if (!p.ready && success && p.successes >= probe.successThreshold() && !p.neverReady) {
            want = true;
        } else if (p.ready && !success && p.failures >= probe.failureThreshold()) {
            want = false;
        }
        if (want != p.ready && setReady(name, p.uid, want)) {
            p.ready = want;
        }
    }

    /** Sets the Ready and ContainersReady conditions and the container's ready flag of this incarnation of the pod. */
    private boolean setReady(String name, String uid, boolean ready) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            Pod edited = client.pods().withName(name).editStatus(pod -> {
                if (!uid.equals(pod.getMetadata().getUid())) {
                    return pod;
                }
                Pod copy = new PodBuilder(pod).build();
                for (PodCondition c : copy.getStatus().getConditions()) {
                    if ("Ready".equals(c.getType()) || "ContainersReady".equals(c.getType())) {
                        c.setStatus(ready ? "True" : "False");
                        c.setLastTransitionTime(now);
                    }
                }
                for (ContainerStatus c : copy.getStatus().getContainerStatuses()) {
                    c.setReady(ready);
                }
                return copy;
            });
            return edited != null && uid.equals(edited.getMetadata().getUid());
        } catch (RuntimeException e) {
             return false;   // deleted meanwhile
        }
    }

    /** Chaos Mesh's stand-in, or null without {@link Builder#chaosMesh}. */
    public ChaosMeshStandIn chaosMesh() {
        return chaosMesh;
    }

    private List<Integer> ordinals(List<String> pods) {
        List<Integer> out = new ArrayList<>();
        for (String pod : pods) {
            if (!pod.startsWith(stsName + "-")) {
                throw new IllegalArgumentException("pod " + pod + " is not of the StatefulSet " + stsName);
            }
            out.add(Integer.parseInt(pod.substring(stsName.length() + 1)));
        }
        return out;
    }

    // ---------------------------------------------------------------- the fake StatefulSet controller

    private synchronized void reconcile() {
        try {
            applyHelmCalls();
            applyDockerCalls();
            StatefulSet sts = client.apps().statefulSets().withName(stsName).get();
            if (sts == null) {
                return;
            }
            int desired = sts.getSpec().getReplicas();
            if (desired != knownReplicas) {
                for (int i = desired; i < knownReplicas; i++) {
                    client.pods().withName(podName(i)).delete();
                    livePods.remove(podName(i));
                    pendingStart.remove(i);
                }
                knownReplicas = desired;
                backend.scaled(desired);
            }
            long now = System.nanoTime();
            for (int i = 0; i < desired; i++) {
                String name = podName(i);
                Pod pod = client.pods().withName(name).get();
                if (pod == null && livePods.remove(name)) {
                    backend.podDeleted(i);
                }
                if (pod == null && !pendingStart.containsKey(i)) {
                    pendingStart.put(i, now + recreateDelay.toNanos());
                }
                Long due = pendingStart.get(i);
                if (pod == null && due != null && now >= due) {
                    pendingStart.remove(i);
                    boolean fresh = !persistence || CLAIMS.stream()
                            .anyMatch(c -> client.persistentVolumeClaims().withName(c + "-" + name).get() == null);
                    backend.podStarted(i, fresh);
                    createPod(i);
                }
            }
            updateStatus();
            if (chaosMesh != null) {
                chaosMesh.round();
            }
        } catch (RuntimeException e) {
            // the next round tries again; a test that depends on it times out with its own message
            lastControllerError = e;
        }
    }

    private void updateStatus() {
        StatefulSet sts = client.apps().statefulSets().withName(stsName).get();
        int desired = sts.getSpec().getReplicas();
        List<Pod> pods = client.pods().withLabels(labels()).list().getItems();
        int ready = (int) pods.stream().filter(p -> p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))).count();
        long generation = sts.getMetadata().getGeneration() == null ? 1 : sts.getMetadata().getGeneration();
        String revision = stsName + "-rev" + generation;
        client.apps().statefulSets().withName(stsName).editStatus(s -> new StatefulSetBuilder(s).withNewStatus()
                .withReplicas(pods.size()).withReadyReplicas(ready).withUpdatedReplicas(Math.min(pods.size(), desired))
                .withCurrentReplicas(pods.size()).withObservedGeneration(generation)
                .withCurrentRevision(rolloutStuck ? stsName + "-old" : revision).withUpdateRevision(revision)
                .endStatus().build());
    }

    private void reconcileRuntime() {
        try {
            applyDockerCalls();
            runtime.reconcile();
            if (chaosMesh != null) {
                chaosMesh.round();
            }
        } catch (RuntimeException e) {
            lastControllerError = e;
        }
    }

    /** Applies "helm upgrade … --set replicaCount=N" lines that the fake helm recorded. */
    private void applyHelmCalls() {
        Path calls = dir.resolve("helm-calls.log");
        if (!Files.exists(calls)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(calls);
        } catch (IOException e) {
            return;
        }
        for (int i = helmLinesSeen; i < lines.size(); i++) {
            Matcher m = Pattern.compile("\\breplicaCount=(\\d+)").matcher(lines.get(i));
            if (lines.get(i).startsWith("upgrade ") && m.find()) {
                int n = Integer.parseInt(m.group(1));
                client.apps().statefulSets().withName(stsName).edit(s -> new StatefulSetBuilder(s).editSpec().withReplicas(n).endSpec().build());
            }
        }
        helmLinesSeen = lines.size();
    }

    // ---------------------------------------------------------------- the port-forward relay

    private final class RelayingDispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            Matcher pf = PORT_FORWARD.matcher(request.getPath());
            if (pf.matches() && pf.group(1).equals(namespace)) {
                String pod = pf.group(2);
                int containerPort = Integer.parseInt(pf.group(3));
                if (runtime != null ? runtime.localPort(pod, containerPort) < 0 : !livePods.contains(pod)) {
                    return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"code\":404,\"message\":\"pods \\\"" + pod + "\\\" not found\"}");
                }
                streams.computeIfAbsent(pod, k -> new AtomicInteger()).incrementAndGet();
                return new MockResponse().withWebSocketUpgrade(new Relay(pod, containerPort));
            }
            Matcher log = POD_LOG.matcher(request.getPath());
            if (runtime != null && log.matches() && "GET".equals(request.getMethod()) && log.group(1).equals(namespace)) {
                String text = runtime.log(log.group(2), log.group(3) != null && log.group(3).contains("previous=true"));
                return text != null ? new MockResponse().setResponseCode(200).setBody(text)
                        : new MockResponse().setResponseCode(400).setBody("{\"kind\":\"Status\",\"code\":400,\"message\":\"previous terminated container \\\"arcadedb\\\" in pod \\\"" + log.group(2) + "\\\" not found\"}");
            }
            Matcher pod = POD.matcher(request.getPath());
            if (runtime != null && pod.matches() && "DELETE".equals(request.getMethod()) && pod.group(1).equals(namespace)) {
                MockResponse handled = runtime.deletePod(pod.group(2), request);
                if (handled != null) {
                    return handled;
                }
            }
            if (log.matches() && "GET".equals(request.getMethod()) && livePods.contains(log.group(2))) {
                return new MockResponse().setResponseCode(200).setBody(String.join("\n", backend.log(ordinalOf(log.group(2)))) + "\n");
            }
            return super.dispatch(request);
        }
    }

    private int ordinalOf(String pod) {
        return Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
    }

    /** Bridges one port-forward WebSocket (data channel 0, error channel 1) to the backend's TCP port. */
    private final class Relay extends WebSocketListener {
        private final String pod;
        private final int port;
        private final CountDownLatch connected = new CountDownLatch(1);
        private volatile Socket socket;

        Relay(String pod, int port) {
            this.pod = pod;
            this.port = port;
        }

        private int target() {
            return runtime != null ? runtime.localPort(pod, port) : backend.httpPort(ordinalOf(pod));
        }

        @Override
        public void onOpen(io.fabric8.mockwebserver.http.WebSocket ws, Response response) {
            openSockets.computeIfAbsent(pod, k -> new CopyOnWriteArrayList<>()).add(ws);
            byte lo = (byte) (port & 0xff);
            byte hi = (byte) ((port >> 8) & 0xff);
            try {
                // Connected before the client learns the stream is open: a request it sends at once is
                // never dropped for want of a socket.
                socket = new Socket(InetAddress.getLoopbackAddress(), target());
            } catch (IOException e) {
                connected.countDown();
                ws.send(new byte[] {0, lo, hi});
                ws.send(new byte[] {1, lo, hi});
                ws.send(withChannel((byte) 1, ("error forwarding port " + port + " to pod " + pod + ": connection refused").getBytes(StandardCharsets.UTF_8), 0, -1));
                ws.close(1000, "backend refused");
                return;
            }
            connected.countDown();
            ws.send(new byte[] {0, lo, hi});
            ws.send(new byte[] {1, lo, hi});
            Thread pump = new Thread(() -> {
                byte[] buf = new byte[16384];
                try (InputStream in = socket.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        ws.send(withChannel((byte) 0, buf, 0, n));
                    }
                } catch (IOException e) {
                    // backend closed
                }
                ws.close(1000, "backend closed");
            }, "relay-" + pod);
            pump.setDaemon(true);
            pump.start();
        }

        @Override
        public void onMessage(io.fabric8.mockwebserver.http.WebSocket ws, byte[] bytes) {
            forward(bytes);
        }

        @Override
        public void onMessage(io.fabric8.mockwebserver.http.WebSocket ws, ByteString bytes) {
            forward(bytes.toByteArray());
        }

        private void forward(byte[] frame) {
            if (frame.length < 2 || frame[0] != 0) {
                return;
            }
            try {
                // The WebSocket may deliver a frame on another thread while onOpen still connects.
                if (!connected.await(10, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (socket == null) {
                return;
            }
            try {
                OutputStream out = socket.getOutputStream();
                out.write(frame, 1, frame.length - 1);
                out.flush();
            } catch (IOException e) {
                closeSocket();
            }
        }

        @Override
        public void onClosing(io.fabric8.mockwebserver.http.WebSocket ws, int code, String reason) {
            closeSocket();
            openSockets.getOrDefault(pod, List.of()).remove(ws);
        }

        @Override
        public void onFailure(io.fabric8.mockwebserver.http.WebSocket ws, Throwable t, Response response) {
            closeSocket();
            openSockets.getOrDefault(pod, List.of()).remove(ws);
        }

        private void closeSocket() {
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }

    private static byte[] withChannel(byte channel, byte[] data, int off, int len) {
        int n = len < 0 ? data.length : len;
        byte[] frame = new byte[n + 1];
        frame[0] = channel;
        System.arraycopy(data, off, frame, 1, n);
        return frame;
    }

    // ---------------------------------------------------------------- files for child processes

    private void writeKubeconfig() throws IOException {
        String url = "http://127.0.0.1:" + server.getPort();
        Files.writeString(kubeconfig(), String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: mock",
                "  cluster:",
                "    server: " + url,
                "contexts:",
                "- name: " + contextName,
                "  context:",
                "    cluster: mock",
                "    namespace: " + namespace,
                "    user: mock",
                "current-context: " + contextName,
                "users:",
                "- name: mock",
                "  user:",
                "    token: mock-token",
                ""));
    }

    private void writeFakeTools() throws IOException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        for (String tool : List.of("helm", "kind")) {
            Path exe = bin.resolve(tool);
            Files.writeString(exe, "#!/bin/sh\n# records its arguments, one call per line\n"
                    + "case \"$1\" in version) echo v4.1.4; exit 0;; esac\n"
                    + "echo \"$*\" >> '" + dir.resolve(tool + "-calls.log") + "'\n");
            exe.toFile().setExecutable(true);
        }
        // the kind node's side for pause: crictl inspect prints the container's pid there, kill is recorded (and applied
        // by the controller to the backend's node); nothing is signalled for real
        Path docker = bin.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\n"
                + "case \"$1\" in --version) echo 'Docker version 0.0.0 (MockKube)'; exit 0;; esac\n"
                + "echo \"$*\" >> '" + dir.resolve("docker-calls.log") + "'\n"
                + "if [ \"$1\" = exec ] && [ \"$3\" = crictl ]; then\n"
                + "  for a in \"$@\"; do id=$a; done\n"
                + "  case \"$id\" in mock[0-9]*) echo $((" + FAKE_PID_BASE + " + ${id#mock})); exit 0;; esac\n"
                + "  echo \"no such container $id\" >&2; exit 1\n"
                + "fi\n");
        docker.toFile().setExecutable(true);
    }

    // ---------------------------------------------------------------- what tests use

    public NamespacedKubernetesClient client() {
        return client;
    }

    public String namespace() {
        return namespace;
    }

    public String release() {
        return release;
    }

    public String statefulSetName() {
        return stsName;
    }

    /** The folder of the kubeconfig, fake tools and their call logs. */
    public Path dir() {
        return dir;
    }

    public Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    /** A folder holding fake {@code helm} and {@code kind} executables that record their arguments. */
    public Path fakeBin() {
        return dir.resolve("bin");
    }

    public List<String> calls(String tool) {
        try {
            Path f = dir.resolve(tool + "-calls.log");
            return Files.exists(f) ? Files.readAllLines(f) : List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Port-forward WebSocket streams the API server opened for the pod. */
    public int portForwardStreams(String pod) {
        return streams.getOrDefault(pod, new AtomicInteger()).get();
    }

    /** Port-forward streams that are open right now, over all pods. */
    public int openPortForwardStreams() {
        return openSockets.values().stream().mapToInt(List::size).sum();
    }

    public int portForwardStreamsTotal() {
        return streams.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Closes every open port-forward stream of the pod, as an API server or kubelet hiccup would. */
    public void breakPortForwards(String pod) {
        for (var ws : List.copyOf(openSockets.getOrDefault(pod, List.of()))) {
            ws.close(1011, "stream reset by test");
        }
    }

    /** The last exception of the fake controller, or null: for tests that wonder why nothing moves. */
    public RuntimeException lastControllerError() {
        return lastControllerError;
    }

    /** A replacement of this pod never becomes Ready. */
    public void neverReady(int ordinal) {
        neverReady.add(ordinal);
    }

    /** The StatefulSet's current revision stays behind its update revision. */
    public synchronized void rolloutStuck(boolean on) {
        rolloutStuck = on;
        updateStatus();
    }

    @Override
    public void close() {
        controller.shutdownNow();
        kubelet.shutdownNow();
        if (runtime != null) {
            runtime.close();
        }
        openSockets.values().forEach(list -> list.forEach(ws -> ws.close(1001, "test over")));
        client.close();
        server.destroy();
    }
}
