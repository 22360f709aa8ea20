package ha.support.pods;

import ha.support.kube.ChaosMeshStandIn;
import ha.support.kube.MockKube;
import ha.target.kube.Helm;
import ha.target.local.LocalInstall;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart's release run for real behind the mock API server: installs what {@code helm template}
 * rendered, and acts as the StatefulSet controller (pods from the template with new UIDs, claims kept
 * until deleted, scaling, rolling updates in reverse ordinal order) and as the kubelet (one
 * {@link PodRunner} per pod). A {@code helm upgrade} the suite runs (recorded by MockKube's fake helm)
 * is rendered again with the real helm, its --set values over the release's, and applied.
 */
public final class ChartPods implements MockKube.PodRuntime, PodRunner.Context {
    private static final Pattern GRACE_QUERY = Pattern.compile("[?&]gracePeriodSeconds=(\\d+)");
    private static final Pattern GRACE_BODY = Pattern.compile("\"gracePeriodSeconds\"\\s*:\\s*(\\d+)");
    private static final Pattern POD_ORDINAL = Pattern.compile("(.+)-(\\d+)");

    private final Path chart;
    private final String release;
    private final String namespace;
    private final Map<String, String> values;
    private final Helm helm;
    private final PodRewrites.Setup setup;
    private final Path base;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, PodRunner> runners = new ConcurrentHashMap<>();
    private final Map<String, PodRunner> draining = new ConcurrentHashMap<>();
    private final Set<String> finalizing = ConcurrentHashMap.newKeySet();
    private final Map<String, PodPorts> ports = new ConcurrentHashMap<>();
    private final Map<String, PodTemplateSpec> revisions = new ConcurrentHashMap<>();
    private final Map<String, String> lastStatus = new ConcurrentHashMap<>();
    private final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    private MockKube kube;
    private NamespacedKubernetesClient client;
    private String stsName;
    private String currentRevision;
    private int helmLinesSeen;
    /** With Chaos Mesh played: pair addresses per pod and this nft table for the cuts; else null. */
    private volatile ha.target.local.LocalNetwork network;

    ChartPods(Path chart, String release, String namespace, Map<String, String> values, Helm helm, PodRewrites.Setup setup, Path base) {
        this.chart = chart;
        this.release = release;
        this.namespace = namespace;
        this.values = new LinkedHashMap<>(values);
        this.helm = helm;
        this.setup = setup;
        this.base = base;
    }

    // ---------------------------------------------------------------- install and upgrade

    @Override
    public void install(MockKube kube) {
        this.kube = kube;
        this.client = kube.client();
        List<HasMetadata> objects = render();
        for (HasMetadata o : objects) {
            o.getMetadata().setNamespace(namespace);
            if (o instanceof StatefulSet sts) {
                stsName = sts.getMetadata().getName();
                sts.getMetadata().setGeneration(1L);
                currentRevision = revisionOf(sts.getSpec().getTemplate());
            }
            client.resource(o).create();
        }
        if (stsName == null) {
            throw new IllegalStateException("the chart rendered no StatefulSet");
        }
        writeHostsFile();
        event("installed " + objects.size() + " objects of release " + release + " (" + chart + ") with " + values);
    }

    private List<HasMetadata> render() {
        String yaml = helm.template(release, chart, values, List.of());
        return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    /** Applies the fake helm's recorded {@code upgrade} calls: --set values over the release's, rendered and applied. */
    private void applyHelmCalls() {
        List<String> lines = kube.calls("helm");
        for (int i = helmLinesSeen; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("upgrade ")) {
                upgrade(line);
            }
        }
        helmLinesSeen = lines.size();
    }

    private void upgrade(String line) {
        List<String> words = List.of(line.split("\\s+"));
        if (!words.contains("--reuse-values")) {
            values.clear();
        }
        for (int i = 0; i < words.size() - 1; i++) {
            if (words.get(i).equals("--set")) {
                for (String kv : words.get(i + 1).split("(?<!\\\\),")) {
                    int eq = kv.indexOf('=');
                    values.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        for (HasMetadata o : render()) {
            o.getMetadata().setNamespace(namespace);
            HasMetadata existing = client.resource(o).get();
            if (existing == null) {
                client.resource(o).create();
            } else if (o instanceof Secret) {
                // helm template cannot look up: the chart's lookup keeps the installed Secret on a real upgrade
                continue;
            } else if (o instanceof StatefulSet sts) {
                StatefulSet old = (StatefulSet) existing;
                long generation = old.getMetadata().getGeneration() == null ? 1 : old.getMetadata().getGeneration();
                boolean changed = !client.getKubernetesSerialization().asJson(old.getSpec()).equals(client.getKubernetesSerialization().asJson(sts.getSpec()));
                sts.getMetadata().setGeneration(changed ? generation + 1 : generation);
                sts.getMetadata().setResourceVersion(old.getMetadata().getResourceVersion());
                sts.setStatus(old.getStatus());
                client.resource(sts).update();
            } else {
                o.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                client.resource(o).update();
            }
        }
        event("helm " + line.replaceAll("\\s+--set\\s+\\S*[Pp]assword\\S*", " --set <redacted>") + " -> values " + values);
    }

    // ---------------------------------------------------------------- the StatefulSet controller

    @Override
    public synchronized void reconcile() {
        applyHelmCalls();
        StatefulSet sts = client.apps().statefulSets().withName(stsName).get();
        if (sts == null) {
            return;
        }
        int desired = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
        String updateRevision = revisionOf(sts.getSpec().getTemplate());
        revisions.putIfAbsent(updateRevision, sts.getSpec().getTemplate());
        Map<String, Pod> stored = new LinkedHashMap<>();
        for (Pod p : client.pods().withLabels(sts.getSpec().getSelector().getMatchLabels()).list().getItems()) {
            stored.put(p.getMetadata().getName(), p);
        }
        syncRunners(stored);
        boolean parallel = "Parallel".equals(sts.getSpec().getPodManagementPolicy());
        scaleDown(stored, desired, parallel);
        createMissing(sts, stored, desired, parallel, updateRevision);
        rollingUpdate(sts, stored, desired, updateRevision);
        writeStatus(sts, desired, updateRevision);
    }

    /** Pods whose object is gone (force-deleted) lose their process; terminated pods lose their object; statuses are written. */
    private void syncRunners(Map<String, Pod> stored) {
        for (PodRunner r : List.copyOf(runners.values())) {
            Pod p = stored.get(r.name());
            if (p == null || !r.uid().equals(p.getMetadata().getUid())) {
                runners.remove(r.name());
                draining.put(r.name(), r);
                r.terminate(0);
                continue;
            }
            if (r.terminating() && r.stopped().isDone()) {
                finalizing.add(r.name());
                try {
                    client.pods().withName(r.name()).delete();
                } finally {
                    finalizing.remove(r.name());
                }
                runners.remove(r.name());
                stored.remove(r.name());
                event("pod " + r.name() + " (uid " + r.uid() + ") terminated and removed");
                continue;
            }
            writePodStatus(r, p);
        }
        draining.values().removeIf(r -> r.stopped().isDone());
    }

    private void writePodStatus(PodRunner r, Pod p) {
        PodStatus status = r.status();
        String json = client.getKubernetesSerialization().asJson(status) + r.terminating();
        if (json.equals(lastStatus.get(r.uid()))) {
            return;
        }
        lastStatus.put(r.uid(), json);
        if (r.terminating() && p.getMetadata().getDeletionTimestamp() == null) {
            client.pods().withName(r.name()).edit(old -> new PodBuilder(old).editMetadata()
                    .withDeletionTimestamp(Instant.now().toString()).withDeletionGracePeriodSeconds(r.grace(null)).endMetadata().build());
        }
        client.pods().withName(r.name()).editStatus(old -> new PodBuilder(old).withStatus(status).build());
    }

    private void scaleDown(Map<String, Pod> stored, int desired, boolean parallel) {
        List<PodRunner> surplus = runners.values().stream().filter(r -> ordinal(r.name()) >= desired && !r.terminating())
                .sorted(Comparator.comparingInt((PodRunner r) -> ordinal(r.name())).reversed()).toList();
        boolean anyTerminating = runners.values().stream().anyMatch(PodRunner::terminating);
        for (PodRunner r : surplus) {
            if (!parallel && anyTerminating) {
                return;
            }
            terminate(r, null, "scale down to " + desired);
            anyTerminating = true;
        }
    }

    private void createMissing(StatefulSet sts, Map<String, Pod> stored, int desired, boolean parallel, String updateRevision) {
        for (int i = 0; i < desired; i++) {
            String name = stsName + "-" + i;
            if (stored.containsKey(name) || runners.containsKey(name) || draining.containsKey(name)) {
                if (!parallel && !(runners.containsKey(name) && runners.get(name).ready())) {
                    return;
                }
                continue;
            }
            createPod(sts, name, updateRevision);
            if (!parallel) {
                return;
            }
        }
    }

    private void createPod(StatefulSet sts, String name, String revision) {
        PodTemplateSpec template = revisions.get(revision);
        PodSpec spec = client.getKubernetesSerialization().clone(template.getSpec());
        spec.setHostname(name);
        spec.setSubdomain(sts.getSpec().getServiceName());
        if (sts.getSpec().getVolumeClaimTemplates() != null) {
            for (PersistentVolumeClaim claim : sts.getSpec().getVolumeClaimTemplates()) {
                String claimName = claim.getMetadata().getName() + "-" + name;
                ensureClaim(claim, claimName);
                spec.getVolumes().add(new VolumeBuilder().withName(claim.getMetadata().getName())
                        .withNewPersistentVolumeClaim().withClaimName(claimName).endPersistentVolumeClaim().build());
            }
        }
        Map<String, String> labels = new LinkedHashMap<>(template.getMetadata().getLabels());
        labels.put("controller-revision-hash", revision);
        labels.put("statefulset.kubernetes.io/pod-name", name);
        labels.put("apps.kubernetes.io/pod-index", String.valueOf(ordinal(name)));
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withUid(UUID.randomUUID().toString())
                .withLabels(labels).withAnnotations(template.getMetadata().getAnnotations())
                .withCreationTimestamp(Instant.now().toString()).endMetadata()
                .withSpec(spec).withNewStatus().withPhase("Pending").endStatus().build();
        pod.getSpec().setNodeName(MockKube.KIND_NODE);   // as kind schedules it: the one node the fake docker reaches
        Pod created = client.pods().resource(pod).create();
        PodRunner runner = new PodRunner(created, this, base.resolve("pods"));
        runners.put(name, runner);
        runner.start();
        event("pod " + name + " created (uid " + created.getMetadata().getUid() + ", revision " + revision + ")");
    }

    private void ensureClaim(PersistentVolumeClaim template, String claimName) {
        Path dir = base.resolve("claims").resolve(claimName);
        try {
            if (client.persistentVolumeClaims().withName(claimName).get() == null) {
                LocalInstall.deleteTree(dir);
                PersistentVolumeClaim pvc = new PersistentVolumeClaimBuilder().withNewMetadata().withName(claimName).withNamespace(namespace)
                        .withLabels(template.getMetadata().getLabels()).endMetadata().withSpec(template.getSpec()).build();
                client.persistentVolumeClaims().resource(pvc).create();
                event("claim " + claimName + " created (new folder)");
            }
            Files.createDirectories(dir);
            PodFiles.chmod(dir, 0755);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One pod at a time, highest ordinal first, once every pod is Ready: the StatefulSet RollingUpdate strategy. */
    private void rollingUpdate(StatefulSet sts, Map<String, Pod> stored, int desired, String updateRevision) {
        var strategy = sts.getSpec().getUpdateStrategy();
        if (strategy != null && "OnDelete".equals(strategy.getType())) {
            return;
        }
        int partition = strategy == null || strategy.getRollingUpdate() == null || strategy.getRollingUpdate().getPartition() == null
                ? 0 : strategy.getRollingUpdate().getPartition();
        List<PodRunner> pods = new ArrayList<>();
        for (int i = 0; i < desired; i++) {
            PodRunner r = runners.get(stsName + "-" + i);
            if (r == null || r.terminating() || !r.ready()) {
                return;
            }
            pods.add(r);
        }
        for (int i = pods.size() - 1; i >= partition; i--) {
            PodRunner r = pods.get(i);
            if (!updateRevision.equals(r.pod().getMetadata().getLabels().get("controller-revision-hash"))) {
                terminate(r, null, "rolling update to " + updateRevision);
                return;
            }
        }
        currentRevision = updateRevision;
    }

    private void writeStatus(StatefulSet sts, int desired, String updateRevision) {
        List<PodRunner> pods = runners.values().stream().filter(r -> !r.terminating()).toList();
        int ready = (int) pods.stream().filter(PodRunner::ready).count();
        int updated = (int) pods.stream().filter(r -> updateRevision.equals(r.pod().getMetadata().getLabels().get("controller-revision-hash"))).count();
        int current = (int) pods.stream().filter(r -> currentRevision.equals(r.pod().getMetadata().getLabels().get("controller-revision-hash"))).count();
        long generation = sts.getMetadata().getGeneration() == null ? 1 : sts.getMetadata().getGeneration();
        String key = pods.size() + "/" + ready + "/" + updated + "/" + current + "/" + generation + "/" + currentRevision + "/" + updateRevision;
        if (key.equals(lastStatus.get(stsName))) {
            return;
        }
        lastStatus.put(stsName, key);
        client.apps().statefulSets().withName(stsName).editStatus(s -> new StatefulSetBuilder(s).withNewStatus()
                .withReplicas(pods.size()).withReadyReplicas(ready).withAvailableReplicas(ready).withUpdatedReplicas(updated)
                .withCurrentReplicas(current).withObservedGeneration(generation)
                .withCurrentRevision(currentRevision).withUpdateRevision(updateRevision).endStatus().build());
    }

    private void terminate(PodRunner r, Long grace, String why) {
        long seconds = r.grace(grace);
        r.terminate(seconds);
        event("pod " + r.name() + " (uid " + r.uid() + ") terminating, grace " + seconds + " s: " + why);
    }

    private String revisionOf(PodTemplateSpec template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    client.getKubernetesSerialization().asJson(template).getBytes(StandardCharsets.UTF_8));
            return stsName + "-" + HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kind node's kill (pause): SIGSTOP or SIGCONT of the pod's running container process and its descendants. */
    @Override
    public void signal(int ordinal, String signal) {
        for (PodRunner r : List.copyOf(runners.values())) {
            if (ordinal(r.name()) == ordinal) {
                event("pod " + r.name() + ": kill -" + signal + " from the kind node");
                r.signal(signal);
            }
        }
    }

    private static int ordinal(String pod) {
        Matcher m = POD_ORDINAL.matcher(pod);
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    // ---------------------------------------------------------------- what the API server asks of the pods

    /** A graceful delete keeps the pod (Terminating) until its processes are gone; grace 0 deletes the object at once. */
    @Override
    public MockResponse deletePod(String pod, RecordedRequest request) {
        if (finalizing.contains(pod)) {
            return null;
        }
        PodRunner r = runners.get(pod);
        if (r == null) {
            return null;
        }
        Long requested = grace(request);
        long seconds = r.grace(requested);
        if (seconds == 0) {
            runners.remove(pod);
            draining.put(pod, r);
            r.terminate(0);
            event("pod " + pod + " (uid " + r.uid() + ") deleted with grace 0: SIGKILL");
            return null;
        }
        if (!r.terminating()) {
            terminate(r, requested, "deleted through the API");
        }
        return new MockResponse().setResponseCode(200).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\","
                + "\"details\":{\"name\":\"" + pod + "\",\"kind\":\"pods\",\"uid\":\"" + r.uid() + "\"}}");
    }

    private static Long grace(RecordedRequest request) {
        Matcher q = GRACE_QUERY.matcher(request.getPath());
        if (q.find()) {
            return Long.parseLong(q.group(1));
        }
        String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
        Matcher b = GRACE_BODY.matcher(body);
        return b.find() ? Long.parseLong(b.group(1)) : null;
    }

    @Override
    public int localPort(String pod, int containerPort) {
        PodRunner r = runners.get(pod);
        return r == null || r.terminating() ? -1 : r.localPort(containerPort);
    }

    @Override
    public String log(String pod, boolean previous) {
        PodRunner r = runners.get(pod);
        return r == null ? null : r.log(previous);
    }

    // ---------------------------------------------------------------- what the pods ask of the fixture

    @Override
    public PodRewrites.Setup setup() {
        return setup;
    }

    @Override
    public PodPorts portsOf(String pod) {
        return ports.computeIfAbsent(pod, p -> PodPorts.allocate(p, ordinal(p)));
    }

    @Override
    public PodPorts portsOfHost(String host) {
        String first = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
        return first.startsWith(stsName + "-") && ordinal(first) >= 0 && POD_ORDINAL.matcher(first).matches()
                && POD_ORDINAL.matcher(first).replaceAll("$1").equals(stsName) ? portsOf(first) : null;
    }

    @Override
    public Secret secret(String name) {
        return client.secrets().withName(name).get();
    }

    @Override
    public ConfigMap configMap(String name) {
        return client.configMaps().withName(name).get();
    }

    @Override
    public Path claimDir(String claimName) {
        return base.resolve("claims").resolve(claimName);
    }

    @Override
    public ScheduledExecutorService executor() {
        return executor;
    }

    // ---------------------------------------------------------------- Chaos Mesh's part: cuts between pods

    /**
     * Plays what Chaos Mesh's daemon does to the pods: each pod resolves its peers' names through a hosts file of its own, pod
     * i reaching pod j at 127.10.i.j, and a NetworkChaos becomes nft drops of those pair addresses (both directions) in a
     * table of this JVM's own ({@link ha.target.local.LocalNetwork}), deleted at close. Call before the install.
     */
    void playChaosMesh() {
        network = ha.target.local.LocalNetwork.install(List.of());
    }

    @Override
    public ChaosMeshStandIn.Network network() {
        if (network == null) {
            return null;
        }
        return new ChaosMeshStandIn.Network() {
            @Override
            public void cut(List<String> podsA, List<String> podsB) {
                network.cut(podsA.stream().map(ChartPods::ordinal).toList(), podsB.stream().map(ChartPods::ordinal).toList());
                event("NetworkChaos: nft cut " + podsA + " from " + podsB);
            }

            @Override
            public void heal(List<String> podsA, List<String> podsB) {
                network.heal();
                event("NetworkChaos lifted: nft cut of " + podsA + " from " + podsB + " removed");
            }
        };
    }

    @Override
    public Path hostsFileOf(String pod) {
        return network == null ? setup.hostsFile() : setup.hostsFile().resolveSibling("hosts-" + pod);
    }

    /** Every pod DNS name of the StatefulSet (for ordinals up to 31) and localhost resolve to 127.0.0.1. */
    private void writeHostsFile() {
        StatefulSet sts = client.apps().statefulSets().withName(stsName).get();
        String service = sts.getSpec().getServiceName();
        String domain = "cluster.local";
        for (String arg : sts.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()) {
            Matcher m = Pattern.compile("-Darcadedb\\.ha\\.k8sSuffix=.*\\.svc\\.(.+)").matcher(arg);
            if (m.matches()) {
                domain = m.group(1);
            }
        }
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost " + machineName() + "\n");
        for (int i = 0; i < 32; i++) {
            String pod = stsName + "-" + i;
            String fqdn = pod + "." + service + "." + namespace + ".svc." + domain;
            hosts.append("127.0.0.1 ").append(String.join(" ", fqdn, pod, pod + "." + service, pod + "." + service + "." + namespace,
                    pod + "." + service + "." + namespace + ".svc")).append('\n');
        }
        try {
            Files.writeString(setup.hostsFile(), hosts.toString());
            if (network != null) {
                for (int i = 0; i < 32; i++) {
                    Files.writeString(hostsFileOf(stsName + "-" + i), pairHosts(i, service, domain));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pod {@code self}'s hosts file: its own names at 127.0.0.1, pod j's at 127.10.self.j. */
    private String pairHosts(int self, String service, String domain) {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost " + machineName() + "\n");
        for (int j = 0; j < 32; j++) {
            String pod = stsName + "-" + j;
            String fqdn = pod + "." + service + "." + namespace + ".svc." + domain;
            hosts.append(j == self ? "127.0.0.1" : ha.target.local.LocalNetwork.pairAddress(self, j)).append(' ').append(String.join(" ", fqdn, pod,
                    pod + "." + service, pod + "." + service + "." + namespace, pod + "." + service + "." + namespace + ".svc")).append('\n');
        }
        return hosts.toString();
    }

    private static String machineName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    // ---------------------------------------------------------------- for tests

    public String statefulSetName() {
        return stsName;
    }

    /** The local HTTP port of a pod (the test's own reads go there, not through the API server). */
    public int httpPort(String pod) {
        return portsOf(pod).http();
    }

    /** What the controller and kubelet did, one line each. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** The folder of a running pod (its logs/ and containers/). */
    public Path podDir(String pod) {
        PodRunner r = runners.get(pod);
        return r == null ? null : r.dir();
    }

    /** The command line and environment the pod's container runs with. */
    PodRunner.Launch launch(String pod) {
        PodRunner r = runners.get(pod);
        return r == null ? null : r.launchOf(r.pod().getSpec().getContainers().get(0));
    }

    @Override
    public void event(String line) {
        events.add(Instant.now() + " " + line);
    }

    @Override
    public void close() {
        List<java.util.concurrent.CompletableFuture<Void>> stops = new ArrayList<>();
        for (PodRunner r : runners.values()) {
            stops.add(r.terminate(0));
        }
        for (PodRunner r : draining.values()) {
            stops.add(r.terminate(0));
        }
        for (var f : stops) {
            try {
                f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // the process tree was killed forcibly; nothing more to do
            }
        }
        executor.shutdownNow();
        if (network != null) {
            network.remove();
        }
    }
}
