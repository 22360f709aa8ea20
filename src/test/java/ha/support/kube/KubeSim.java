package ha.support.kube;

import ha.support.sim.ClusterSimulator;
import ha.support.sim.Timings;
import ha.target.kube.KubeTarget;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole stand-in for "the chart installed on a cluster": the mock API server holds the chart's
 * objects, and each pod's port-forward leads to a simulated ArcadeDB node. Deleting a pod kills its
 * node; the replacement pod starts it again (without state unless persistence keeps its claims);
 * a helm upgrade of replicaCount scales the simulator. The simulator runs with the chart's readiness settings
 * (arcadedb.server.readinessRequiresHA=true, readinessHAMaxLag=100, values.yaml ha.*) unless a test sets others, and
 * the mock's kubelet sets each pod's Ready condition from its node's GET /api/v1/ready.
 */
public final class KubeSim implements AutoCloseable {
    public static final String PASSWORD = "sim-root-password-0001";

    private final ClusterSimulator sim;
    private final MockKube kube;

    private KubeSim(Builder b) {
        ClusterSimulator.Builder simBuilder = ClusterSimulator.builder().nodes(b.nodes).version(b.version)
                .password(b.password).timings(b.timings);
        b.settings.forEach(simBuilder::setting);
        this.sim = simBuilder.build();
        MockKube.Builder kubeBuilder = MockKube.builder(new SimBackend(sim, Map.copyOf(b.extraLog))).replicas(b.nodes).password(b.password)
                .chaosMesh(true);
        b.api.accept(kubeBuilder);
        b.settings.forEach((k, v) -> kubeBuilder.setting(k + "=" + v));
        MockKube started;
        try {
            started = kubeBuilder.start();
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
        this.kube = started;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The simulator's options, and those both halves share (nodes, password, settings); the mock API server's own
     * options are {@link MockKube.Builder}'s, given through {@link #api}. Chaos Mesh is played unless a test says not.
     */
    public static final class Builder {
        private int nodes = 3;
        private String version = "26.8.1";
        private String password = PASSWORD;
        private Timings timings = Timings.fast();
        private Consumer<MockKube.Builder> api = k -> { };
        private final Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "arcadedb.server.readinessRequiresHA", "true", "arcadedb.server.readinessHAMaxLag", "100"));
        private final Map<Integer, List<String>> extraLog = new LinkedHashMap<>();

        public Builder nodes(int n) {
            nodes = n;
            return this;
        }

        public Builder version(String v) {
            version = v;
            return this;
        }

        public Builder password(String p) {
            password = p;
            return this;
        }

        public Builder timings(Timings t) {
            timings = t;
            return this;
        }

        /** Options of the mock API server (persistence, context name, Chaos Mesh, replacement delay, probe period). */
        public Builder api(Consumer<MockKube.Builder> options) {
            api = api.andThen(options);
            return this;
        }

        /** An ArcadeDB setting the install was made with (rendered into the StatefulSet and given to the simulator). */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /**
         * Lines a pod's log carries after the simulator's own, for what the simulator does not model (e.g. the
         * error a real server logs when its HA plugin fails to start).
         */
        public Builder logLines(int ordinal, String... lines) {
            extraLog.computeIfAbsent(ordinal, k -> new java.util.ArrayList<>()).addAll(List.of(lines));
            return this;
        }

        public KubeSim start() {
            return new KubeSim(this);
        }
    }

    public ClusterSimulator sim() {
        return sim;
    }

    public MockKube kube() {
        return kube;
    }

    /** A Kubernetes target on the mock API server, as the suite opens it from a kubeconfig. */
    public KubeTarget target() {
        return KubeTarget.using(kube.client(), kube.namespace(), kube.release(), Path.of("charts/arcadedb"));
    }

    /** Waits, with the suite's own verbs, until every node names one ready leader. */
    public void awaitReadyLeader() {
        try (KubeTarget target = target()) {
            new ha.check.ClusterOps(target).awaitLeader("the simulated cluster to have a ready leader", java.time.Duration.ofSeconds(30));
        }
    }

    @Override
    public void close() {
        kube.close();
        sim.close();
    }

    /** Pods are simulator nodes. */
    private record SimBackend(ClusterSimulator sim, Map<Integer, List<String>> extraLog) implements MockKube.Backend {
        @Override
        public int httpPort(int ordinal) {
            return sim.httpPort(ordinal);
        }

        @Override
        public void podDeleted(int ordinal) {
            sim.killNode(ordinal);
        }

        @Override
        public void podStarted(int ordinal, boolean freshVolumes) {
            sim.startNode(ordinal, freshVolumes);
        }

        @Override
        public void scaled(int replicas) {
            sim.scaleTo(replicas);
        }

        /** The simulator models one node cut off from all the others, the partition phase's two shapes. */
        @Override
        public void cut(List<Integer> a, List<Integer> b) {
            sim.faults().cutOff(lone(a, b), true);
        }

        @Override
        public void heal(List<Integer> a, List<Integer> b) {
            sim.faults().cutOff(lone(a, b), false);
        }

        private int lone(List<Integer> a, List<Integer> b) {
            // (the simulator's node slots only grow, so the other side is taken as everyone else)
            if (a.size() == 1 && !b.contains(a.get(0))) {
                return a.get(0);
            }
            if (b.size() == 1 && !a.contains(b.get(0))) {
                return b.get(0);
            }
            throw new UnsupportedOperationException("the simulator cuts one node off from all the others, not " + a + " from " + b);
        }

        @Override
        public List<String> log(int ordinal) {
            List<String> log = new java.util.ArrayList<>(sim.log(ordinal));
            log.addAll(extraLog.getOrDefault(ordinal, List.of()));
            return log;
        }

        /** SIGSTOP/SIGCONT from the kind node's side freezes or wakes the simulated node. */
        @Override
        public void signal(int ordinal, String signal) {
            if (ordinal >= 0 && ordinal < sim.size()) {
                sim.faults().freeze(ordinal, "STOP".equals(signal));
            }
        }
    }
}
