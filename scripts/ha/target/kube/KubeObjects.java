package ha.target.kube;

import ha.core.SuiteException;
import ha.core.UsageException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.Config;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the Kubernetes target reads the chart's objects: the container's settings, a StatefulSet's rollout, a pod's state. */
final class KubeObjects {
    private KubeObjects() {
    }

    static Container arcadeContainer(StatefulSet sts) {
        List<Container> containers = sts.getSpec().getTemplate().getSpec().getContainers();
        return containers.stream().filter(c -> KubeTarget.CONTAINER.equals(c.getName())).findFirst().orElse(containers.get(0));
    }

    /** The ArcadeDB settings the container runs with: its -Darcadedb.* arguments and dotted env names (no password). */
    static Map<String, String> settings(Container container) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        if (container.getCommand() != null) {
            words.addAll(container.getCommand());
        }
        if (container.getArgs() != null) {
            words.addAll(container.getArgs());
        }
        for (String word : words) {
            for (String part : word.split("\\s+")) {
                if (part.startsWith("-Darcadedb.") && part.contains("=")) {
                    int eq = part.indexOf('=');
                    out.put(part.substring(2, eq), part.substring(eq + 1));
                }
            }
        }
        if (container.getEnv() != null) {
            for (EnvVar env : container.getEnv()) {
                if (env.getName().startsWith("arcadedb.") && env.getValue() != null) {
                    out.put(env.getName(), env.getValue());
                }
            }
        }
        out.remove(KubeTarget.PASSWORD_ENV);
        return out;
    }

    /** What {@code kubectl rollout status} looks at, printable as "what I last saw". */
    record Rollout(long generation, long observedGeneration, int replicas, int updated, int ready,
                   String currentRevision, String updateRevision) {
        static Rollout of(StatefulSet sts) {
            StatefulSetStatus s = sts.getStatus() == null ? new StatefulSetStatus() : sts.getStatus();
            return new Rollout(nz(sts.getMetadata().getGeneration()), nz(s.getObservedGeneration()),
                    sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas(),
                    nz(s.getUpdatedReplicas()), nz(s.getReadyReplicas()), s.getCurrentRevision(), s.getUpdateRevision());
        }

        boolean done() {
            return observedGeneration >= generation && updated >= replicas && ready >= replicas
                    && updateRevision != null && updateRevision.equals(currentRevision);
        }

        @Override
        public String toString() {
            return "generation " + generation + " (observed " + observedGeneration + "), replicas " + replicas
                    + ", updated " + updated + ", ready " + ready + ", revision " + currentRevision + " -> " + updateRevision;
        }

        private static long nz(Long v) {
            return v == null ? 0 : v;
        }

        private static int nz(Integer v) {
            return v == null ? 0 : v;
        }
    }

    /** A pod as a replacement wait sees it. */
    record PodState(String uid, boolean ready, boolean terminating, String phase) {
        static PodState of(Pod pod) {
            if (pod == null) {
                return new PodState(null, false, false, "absent");
            }
            return new PodState(pod.getMetadata().getUid(), isReady(pod), pod.getMetadata().getDeletionTimestamp() != null,
                    pod.getStatus() == null ? "unknown" : pod.getStatus().getPhase());
        }

        @Override
        public String toString() {
            return uid == null ? "no pod" : "pod uid " + uid + ", phase " + phase + (ready ? ", Ready" : ", not Ready")
                    + (terminating ? ", terminating" : "");
        }
    }

    static boolean isReady(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    /** When the pod's ArcadeDB container (else the pod) started, epoch millis; -1 when the pod does not say. */
    static long startedMillis(Pod pod) {
        if (pod.getStatus() == null) {
            return -1;
        }
        if (pod.getStatus().getContainerStatuses() != null) {
            for (var status : pod.getStatus().getContainerStatuses()) {
                if (KubeTarget.CONTAINER.equals(status.getName()) && status.getState() != null && status.getState().getRunning() != null
                        && status.getState().getRunning().getStartedAt() != null) {
                    return epochMillis(status.getState().getRunning().getStartedAt());
                }
            }
        }
        return pod.getStatus().getStartTime() == null ? -1 : epochMillis(pod.getStatus().getStartTime());
    }

    private static long epochMillis(String timestamp) {
        try {
            return java.time.OffsetDateTime.parse(timestamp).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }

    /** The kubeconfig's settings for {@code context} (null: the current one), with the suite's timeouts; one line when unusable. */
    static Config config(String context) {
        Config config = Config.autoConfigure(context);
        if (context != null && (config.getCurrentContext() == null || !context.equals(config.getCurrentContext().getName()))) {
            List<String> known = config.getContexts() == null ? List.of()
                    : config.getContexts().stream().map(NamedContext::getName).toList();
            throw new UsageException("kube context '" + context + "' is not in your kubeconfig"
                    + (known.isEmpty() ? " (no contexts found)" : "; known contexts: " + String.join(", ", known)));
        }
        if (config.getCurrentContext() == null && !insideCluster()) {
            throw new SuiteException("no Kubernetes context: no kubeconfig with a current context was found"
                    + " (KUBECONFIG or ~/.kube/config); pass --context, or use --target local");
        }
        config.setConnectionTimeout(5_000);
        config.setRequestTimeout(15_000);
        config.setRequestRetryBackoffLimit(1);
        return config;
    }

    private static boolean insideCluster() {
        return System.getenv("KUBERNETES_SERVICE_HOST") != null;
    }
}
