package ha.target.kube;

import ha.client.ArcadeClient;
import ha.core.Endpoint;
import ha.core.Log;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fabric8 {@link LocalPortForward} per pod, opened on first use and shared by every poll and every
 * phase of a run. A forward is re-opened when fabric8 has recorded errors on it or when the pod behind
 * it was replaced (new UID); all are closed at the end. With keep-alive HTTP clients a quiet run makes
 * one forward and one API-server stream per pod (the bash script made one per poll).
 */
public final class PortForwardPool implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final int remotePort;
    private final Map<String, PodEndpoint> endpoints = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();

    public PortForwardPool(KubernetesClient client, String namespace, int remotePort) {
        this.client = client;
        this.namespace = namespace;
        this.remotePort = remotePort;
    }

    public Endpoint endpoint(String pod) {
        return endpoints.computeIfAbsent(pod, PodEndpoint::new);
    }

    /** How many LocalPortForwards this pool has opened so far. */
    public int openedCount() {
        return opened.get();
    }

    /** Closes the pod's forward now (for example because the pod is being replaced). */
    public void forget(String pod) {
        PodEndpoint e = endpoints.get(pod);
        if (e != null) {
            e.closeForward();
        }
    }

    @Override
    public void close() {
        endpoints.values().forEach(PodEndpoint::closeForward);
        endpoints.clear();
    }

    private final class PodEndpoint implements Endpoint {
        private final String pod;
        private LocalPortForward forward;
        private String podUid;

        PodEndpoint(String pod) {
            this.pod = pod;
        }

        @Override
        public String name() {
            return pod;
        }

        @Override
        public synchronized URI baseUri() {
            if (forward != null && (forward.errorOccurred() || !forward.isAlive())) {
                Log.debug("port-forward to %s reported errors; re-opening it", pod);
                closeForward();
            }
            if (forward == null) {
                Pod current = client.pods().inNamespace(namespace).withName(pod).get();
                if (current == null) {
                    throw new ArcadeClient.NodeUnreachableException("pod " + pod + " does not exist (yet)", null);
                }
                forward = client.pods().inNamespace(namespace).withName(pod).portForward(remotePort);
                podUid = current.getMetadata().getUid();
                opened.incrementAndGet();
                Log.debug("port-forward %s:%d -> 127.0.0.1:%d", pod, remotePort, forward.getLocalPort());
            }
            return URI.create("http://127.0.0.1:" + forward.getLocalPort());
        }

        @Override
        public synchronized void connectionFailed(Exception cause) {
            if (forward == null) {
                return;
            }
            Pod current = client.pods().inNamespace(namespace).withName(pod).get();
            String uid = current == null ? null : current.getMetadata().getUid();
            if (forward.errorOccurred() || !forward.isAlive() || uid == null || !uid.equals(podUid)) {
                Log.debug("re-opening port-forward to %s after %s", pod, cause.getClass().getSimpleName());
                closeForward();
            }
        }

        synchronized void closeForward() {
            if (forward != null) {
                try {
                    forward.close();
                } catch (IOException e) {
                    Log.debug("closing port-forward to %s: %s", pod, e.getMessage());
                }
                forward = null;
                podUid = null;
            }
        }
    }
}
