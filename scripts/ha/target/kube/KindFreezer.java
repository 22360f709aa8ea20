package ha.target.kube;

import ha.core.Freezer;
import ha.core.Log;
import ha.core.PhaseFailure;
import ha.core.Procs;
import ha.core.SuiteException;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SIGSTOP and SIGCONT of a pod's server process on kind, from the kind node's side: a kind node is a Docker container
 * whose PID namespace is above the pod's, so {@code docker exec <node> crictl inspect} gives the container's process id
 * there and {@code docker exec <node> kill -STOP <pid>} freezes it without anything inside the pod. Other clusters give
 * no such access; there the phase is skipped with the reason. Docker is found on PATH, or named by HA_DOCKER /
 * -Dha.docker.
 */
public final class KindFreezer {
    private final String docker;
    private final String context;
    /** node name → "kind node, pid" of the frozen container process. */
    private final Map<String, String[]> frozen = new ConcurrentHashMap<>();

    public KindFreezer(String context) {
        this.docker = System.getProperty("ha.docker", System.getenv().getOrDefault("HA_DOCKER", "docker"));
        this.context = context;
    }

    /** Why pods of this cluster cannot be frozen, or empty when they can. */
    public Optional<String> cannot() {
        if (context == null || !context.startsWith("kind-")) {
            return Optional.of("pause needs SIGSTOP of the server's process from its node's side, which the suite can send only on "
                    + "kind (context " + (context == null ? "(none)" : "'" + context + "'") + " is not a kind-* context)");
        }
        try {
            Procs.Result r = Procs.run(List.of(docker, "--version"), Freezer.KILL_TIMEOUT);
            return r.ok() ? Optional.empty() : Optional.of("pause on kind needs docker to reach the kind node; '" + docker
                    + " --version' failed: " + r.lastLine());
        } catch (Procs.ToolMissingException e) {
            return Optional.of("pause on kind needs docker to reach the kind node: " + e.getMessage());
        }
    }

    /** SIGSTOP to the server container's process of {@code pod}, through its kind node. */
    public void freeze(Pod pod, String container) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        String id = containerId(pod, container);
        if (node == null || id == null) {
            throw new PhaseFailure("expected pod " + pod.getMetadata().getName() + " to be scheduled with a running container '"
                    + container + "', saw node " + node + ", container id " + id);
        }
        Procs.Result r = Procs.run(List.of(docker, "exec", node, "crictl", "inspect", "--output", "go-template", "--template",
                "{{.info.pid}}", id), Freezer.KILL_TIMEOUT);
        String pid = r.stdout().strip();
        if (!r.ok() || !pid.matches("\\d+")) {
            throw new SuiteException("cannot find the host pid of " + pod.getMetadata().getName() + "'s container on kind node " + node
                    + ": crictl inspect " + (r.ok() ? "printed '" + pid + "'" : "failed: " + r.lastLine()));
        }
        String what = pod.getMetadata().getName() + " (pid " + pid + " on kind node " + node + ")";
        Log.step("kill -STOP %s", what);
        frozen.put(pod.getMetadata().getName(), new String[] {node, pid});
        Freezer.freeze(key(node, pid), kill(node, "-STOP", pid), kill(node, "-CONT", pid), what);
    }

    /** SIGCONT to what {@link #freeze} froze for {@code podName}; nothing when it froze nothing. */
    public void thaw(String podName) {
        String[] np = frozen.remove(podName);
        if (np != null) {
            Log.step("kill -CONT %s (pid %s on kind node %s)", podName, np[1], np[0]);
            Freezer.thaw(key(np[0], np[1]), kill(np[0], "-CONT", np[1]), podName);
        }
    }

    private List<String> kill(String node, String signal, String pid) {
        return new ArrayList<>(List.of(docker, "exec", node, "kill", signal, pid));
    }

    private static String key(String node, String pid) {
        return node + " pid " + pid;
    }

    private static String containerId(Pod pod, String container) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
            if (container.equals(c.getName()) && c.getContainerID() != null) {
                String id = c.getContainerID();
                return id.contains("://") ? id.substring(id.indexOf("://") + 3) : id;
            }
        }
        return null;
    }
}
