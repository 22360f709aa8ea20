package ha.target.kube;

import ha.client.ArcadeClient;
import ha.client.ClusterStatus;
import ha.core.Freezer;
import ha.core.Log;
import ha.core.Node;
import ha.core.PeerIds;
import ha.core.PhaseFailure;
import ha.core.PhaseSkipped;
import ha.core.Redactor;
import ha.core.ServerVersion;
import ha.core.SuiteException;
import ha.core.Wait;
import ha.target.ServerSetting;
import ha.target.Target;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * The chart's release on a Kubernetes cluster. Nodes are the StatefulSet's pods, reached through a
 * {@link PortForwardPool}; the root password is read from the Secret that the pod sees as the file named by
 * {@code -Darcadedb.server.rootPasswordPath} (see {@link SecretFiles}).
 */
public final class KubeTarget implements Target {
    public static final String CONTAINER = "arcadedb";
    public static final String PASSWORD_ENV = "arcadedb.server.rootPassword";
    public static final String PASSWORD_FILE_SETTING = "arcadedb.server.rootPasswordPath";
    private static final Duration POLL = Duration.ofSeconds(1);

    private final KubernetesClient client;
    private final String namespace;
    private final String release;
    private final String contextName;
    private final String statefulSetName;
    private final String password;
    private final Map<String, String> settings;
    private final List<String> claimTemplates;
    private final int httpPort;
    private final PortForwardPool pool;
    private final Helm helm;
    private final Path chart;
    private final Map<String, ArcadeClient> clients = new ConcurrentHashMap<>();
    private final Map<String, String> peerIds = new ConcurrentHashMap<>();
    private boolean ownsClient = true;
    private volatile KubeClientService clientService;
    private volatile KubeChaos chaos;

    /** Connects, finds the release's StatefulSet and reads the password; fails with one clear line. */
    public static KubeTarget connect(String context, String namespace, String release, Path chart) {
        Config config = KubeObjects.config(context);
        String ns = namespace != null ? namespace : (config.getNamespace() != null ? config.getNamespace() : "default");
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(config).withNamespace(ns).build()).build();
        try {
            return new KubeTarget(client, config, ns, release, chart);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** For tests and callers that already hold a client; closing the target leaves that client open. */
    public static KubeTarget using(KubernetesClient client, String namespace, String release, Path chart) {
        KubeTarget target = new KubeTarget(client, client.getConfiguration(), namespace, release, chart);
        target.ownsClient = false;
        return target;
    }

    private KubeTarget(KubernetesClient client, Config config, String namespace, String release, Path chart) {
        this.client = client;
        this.namespace = namespace;
        this.release = release;
        this.chart = chart;
        NamedContext current = config.getCurrentContext();
        this.contextName = current == null ? null : current.getName();
        StatefulSet sts = KubeRelease.findStatefulSet(client, config, contextName, namespace, release);
        this.statefulSetName = sts.getMetadata().getName();
        Container container = KubeObjects.arcadeContainer(sts);
        this.settings = KubeObjects.settings(container);
        this.password = KubeRelease.readPassword(client, namespace, sts, container, settings.get(PASSWORD_FILE_SETTING));
        Redactor.register(password);
        this.claimTemplates = sts.getSpec().getVolumeClaimTemplates() == null ? List.of()
                : sts.getSpec().getVolumeClaimTemplates().stream().map(c -> c.getMetadata().getName()).toList();
        this.httpPort = container.getPorts() == null ? 2480 : container.getPorts().stream()
                .filter(p -> "http".equals(p.getName())).map(p -> p.getContainerPort()).findFirst().orElse(2480);
        this.pool = new PortForwardPool(client, namespace, httpPort);
        this.helm = Helm.onPath(contextName, namespace);
    }

    public KubernetesClient kubernetes() {
        return client;
    }

    public PortForwardPool portForwards() {
        return pool;
    }

    public String namespace() {
        return namespace;
    }

    public String release() {
        return release;
    }

    public String statefulSetName() {
        return statefulSetName;
    }

    @Override
    public String describe() {
        return "release " + release + " (StatefulSet " + statefulSetName + ") in namespace " + namespace
                + (contextName == null ? "" : ", context " + contextName);
    }

    @Override
    public List<Node> nodes() {
        StatefulSet sts = statefulSet();
        int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
        return IntStream.range(0, replicas).mapToObj(i -> new Node(i, statefulSetName + "-" + i)).toList();
    }

    @Override
    public ArcadeClient client(Node node) {
        return clients.computeIfAbsent(node.name(), pod -> new ArcadeClient(pool.endpoint(pod), "root", password));
    }

    @Override
    public Node nodeOfPeer(String peerId) {
        String pod = PeerIds.podName(peerId);
        var ordinal = PeerIds.podOrdinal(peerId);
        if (!pod.startsWith(statefulSetName + "-") || ordinal.isEmpty()) {
            throw new PhaseFailure("peer id " + peerId + " names no pod of StatefulSet " + statefulSetName);
        }
        return new Node(ordinal.getAsInt(), pod);
    }

    /**
     * The pod's Raft peer id as the cluster reports it (the first answering node's peers[] entry whose host is
     * the pod), else as the chart's settings compute it: {@code <pod><k8sSuffix>_<raftPort>}. Asking keeps it
     * right where the port a pod really listens on differs from the rendered one.
     */
    @Override
    public String peerIdOf(Node node) {
        String known = peerIds.get(node.name());
        if (known != null) {
            return known;
        }
        for (Node n : nodes()) {
            try {
                for (ClusterStatus.Peer peer : client(n).cluster().peerList()) {
                    if (node.name().equals(PeerIds.podName(peer.id()))) {
                        peerIds.put(node.name(), peer.id());
                        return peer.id();
                    }
                }
                break;
            } catch (RuntimeException unanswered) {
                // the next node may answer
            }
        }
        String domain = settings.getOrDefault("arcadedb.ha.k8sSuffix", "." + statefulSetName + "." + namespace + ".svc.cluster.local");
        String raftPort = settings.getOrDefault("arcadedb.ha.raftPort", "2434");
        return node.name() + domain + "_" + raftPort;
    }

    @Override
    public Map<String, String> settings() {
        return settings;
    }

    /** Chart values where the chart renders the setting ({@code --set ha.snapshotThreshold=20}); others it cannot set. */
    @Override
    public String howToSet(Map<ServerSetting, String> values) {
        StringBuilder sb = new StringBuilder("install the chart with");
        values.forEach((setting, value) -> {
            if (setting.chartValue() != null) {
                sb.append(" --set ").append(setting.chartValue()).append('=').append(value);
            }
        });
        return sb.toString();
    }

    @Override
    public boolean keepsStateOnRestart() {
        return !claimTemplates.isEmpty();
    }

    private StatefulSet statefulSet() {
        StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(statefulSetName).get();
        if (sts == null) {
            throw new SuiteException("StatefulSet " + statefulSetName + " disappeared from namespace " + namespace);
        }
        return sts;
    }

    @Override
    public void awaitRollout(Duration timeout) {
        Wait.until("StatefulSet " + statefulSetName + " rolled out", POLL, timeout, () -> KubeObjects.Rollout.of(statefulSet()), KubeObjects.Rollout::done);
    }

    @Override
    public String incarnation(Node node) {
        Pod pod = client.pods().inNamespace(namespace).withName(node.name()).get();
        return pod == null ? "absent" : pod.getMetadata().getUid();
    }

    /** The pods the release's client Service selects and would route to now ({@link KubeClientService}). */
    @Override
    public List<ServiceState> serviceView() {
        KubeClientService service = clientService;
        if (service == null) {
            service = clientService = KubeClientService.find(client, namespace, release);
        }
        return service.view(client, namespace, nodes());
    }

    @Override
    public void deleteNode(Node node, boolean wipeState) {
        pool.forget(node.name());
        client.pods().inNamespace(namespace).withName(node.name()).withGracePeriod(0).delete();
        if (wipeState) {
            for (String template : claimTemplates) {
                client.persistentVolumeClaims().inNamespace(namespace).withName(template + "-" + node.name()).delete();
            }
        }
    }

    @Override
    public void restartGracefully(Node node) {
        pool.forget(node.name());
        client.pods().inNamespace(namespace).withName(node.name()).delete();
    }

    @Override
    public String awaitReplacement(Node node, String previousIncarnation, Duration timeout) {
        KubeObjects.PodState pod = Wait.until("pod " + node.name() + " to be replaced (new UID) and Ready", POLL, timeout,
                () -> KubeObjects.PodState.of(client.pods().inNamespace(namespace).withName(node.name()).get()),
                p -> p.uid() != null && !p.uid().equals(previousIncarnation) && p.ready() && !p.terminating());
        pool.forget(node.name());
        return pod.uid();
    }

    @Override
    public void scaleTo(int replicas, Duration timeout) {
        helm.upgradeReusingValues(release, chart.toString(), Map.of("replicaCount", String.valueOf(replicas)), timeout);
        Wait.until("StatefulSet " + statefulSetName + " asks for " + replicas + " replicas", POLL, timeout,
                () -> statefulSet().getSpec().getReplicas(), r -> r != null && r == replicas);
        awaitRollout(timeout);
    }

    /** The chart runs ArcadeDB in Kubernetes mode, whose auto-join works from 26.8.1 (reference §10). */
    @Override
    public boolean joinsOnItsOwn(ServerVersion version) {
        return version.autoJoins();
    }

    @Override
    public String logs(Node node, boolean previous) {
        var pod = client.pods().inNamespace(namespace).withName(node.name()).inContainer(CONTAINER);
        return previous ? pod.terminated().getLog() : pod.getLog();
    }

    @Override
    public void collectDiagnostics(Path dir) {
        KubeDiagnostics.collect(client, namespace, release, this::statefulSet, helm, dir);
    }

    // ---------------------------------------------------------------- pause: SIGSTOP / SIGCONT from the kind node

    private volatile KindFreezer freezer;

    private KindFreezer freezer() {
        if (freezer == null) {
            freezer = new KindFreezer(contextName);
        }
        return freezer;
    }

    @Override
    public java.util.Optional<String> cannotFreeze() {
        return freezer().cannot();
    }

    @Override
    public void freeze(Node node) {
        Pod pod = client.pods().inNamespace(namespace).withName(node.name()).get();
        if (pod == null) {
            throw new PhaseFailure("expected pod " + node.name() + " to exist, to freeze it; it does not");
        }
        freezer().freeze(pod, CONTAINER);
    }

    @Override
    public void thaw(Node node) {
        freezer().thaw(node.name());
    }

    // --- network cuts (the partition phase): Chaos Mesh NetworkChaos objects ---

    private KubeChaos chaos() {
        if (chaos == null) {
            chaos = new KubeChaos(client, namespace, release);
        }
        return chaos;
    }

    @Override
    public String whyNoCut() {
        return chaos().whyNot();
    }

    @Override
    public void cut(List<Node> sideA, List<Node> sideB) {
        String why = whyNoCut();
        if (why != null) {
            throw new PhaseSkipped(why);
        }
        chaos().cut(sideA.stream().map(Node::name).toList(), sideB.stream().map(Node::name).toList(), POLL.multipliedBy(30));
    }

    @Override
    public void healNetwork() {
        if (chaos != null) {
            chaos.healAll(POLL.multipliedBy(30));
        }
    }

    @Override
    public void close() {
        Freezer.thawAll();   // pause: no container process may stay stopped
        if (chaos != null) {
            chaos.close();
        }
        if (pool.openedCount() > 0) {
            int pods = clients.size();
            Log.info("port-forwards: %d opened%s", pool.openedCount(), pool.openedCount() == pods ? ", one per pod" : " for " + pods + " pods (re-opened after errors or pod replacements)");
        }
        pool.close();
        if (ownsClient) {
            client.close();
        }
    }
}
