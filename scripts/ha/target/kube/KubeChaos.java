package ha.target.kube;

import ha.core.Log;
import ha.core.Wait;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Network cuts on Kubernetes through Chaos Mesh: one {@code NetworkChaos} (chaos-mesh.org/v1alpha1) per cut, action
 * {@code partition}, direction {@code both}, the pods of each side chosen by name ({@code selector.pods} and
 * {@code target.selector.pods}, mode {@code all}), created through fabric8 as a generic resource and deleted at heal and
 * when the target closes (also on Ctrl-C: the runner closes the target then). Without Chaos Mesh's CRD there is no cut,
 * and {@link #whyNot} says so in one line.
 */
public final class KubeChaos {
    public static final String CRD = "networkchaos.chaos-mesh.org";
    public static final ResourceDefinitionContext NETWORK_CHAOS = new ResourceDefinitionContext.Builder()
            .withGroup("chaos-mesh.org").withVersion("v1alpha1").withKind("NetworkChaos").withPlural("networkchaos")
            .withNamespaced(true).build();
    /** The label every NetworkChaos of the suite carries, with the release as value. */
    public static final String LABEL = "arcadedb-ha/partition";

    private final KubernetesClient client;
    private final String namespace;
    private final String release;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private volatile String whyNot;
    private volatile boolean looked;
    private int sequence;

    KubeChaos(KubernetesClient client, String namespace, String release) {
        this.client = client;
        this.namespace = namespace;
        this.release = release;
    }

    /** Why no cut can be made (no Chaos Mesh CRD, no right to read it), or null when it can. Looked up once. */
    public String whyNot() {
        if (!looked) {
            try {
                whyNot = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get() == null
                        ? "Chaos Mesh is not installed (no CRD " + CRD + "): the partition phase needs its NetworkChaos" : null;
            } catch (KubernetesClientException e) {
                whyNot = "cannot read the CRD " + CRD + " (Chaos Mesh's NetworkChaos): " + e.getMessage();
            }
            looked = true;
        }
        return whyNot;
    }

    /** Creates a NetworkChaos cutting the pods {@code sideA} from {@code sideB}; returns its name once the API server holds it. */
    public synchronized String cut(List<String> sideA, List<String> sideB, Duration timeout) {
        String name = release + "-partition-" + (++sequence);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("action", "partition");
        spec.put("mode", "all");
        spec.put("selector", Map.of("pods", Map.of(namespace, List.copyOf(sideA))));
        spec.put("direction", "both");
        spec.put("target", Map.of("mode", "all", "selector", Map.of("pods", Map.of(namespace, List.copyOf(sideB)))));
        GenericKubernetesResource chaos = new GenericKubernetesResourceBuilder()
                .withApiVersion("chaos-mesh.org/v1alpha1").withKind("NetworkChaos")
                .withNewMetadata().withName(name).withNamespace(namespace).addToLabels(LABEL, release).endMetadata()
                .addToAdditionalProperties("spec", spec).build();
        client.genericKubernetesResources(NETWORK_CHAOS).inNamespace(namespace).resource(chaos).create();
        created.add(name);
        Log.step("NetworkChaos %s created: partition %s from %s, direction both", name, sideA, sideB);
        return name;
    }

    /** Deletes every NetworkChaos this target made and waits until the API server no longer holds them. */
    public synchronized void healAll(Duration timeout) {
        for (String name : Set.copyOf(created)) {
            client.genericKubernetesResources(NETWORK_CHAOS).inNamespace(namespace).withName(name).delete();
            Wait.until("NetworkChaos " + name + " to be deleted", Duration.ofMillis(200), timeout,
                    () -> client.genericKubernetesResources(NETWORK_CHAOS).inNamespace(namespace).withName(name).get(), c -> c == null);
            created.remove(name);
            Log.step("NetworkChaos %s deleted", name);
        }
    }

    /** The names of the NetworkChaos objects this target made and has not deleted. */
    public Set<String> open() {
        return Set.copyOf(created);
    }

    /** On exit: deletes what is left without waiting long; a failure is a warning with the command that cleans up. */
    public void close() {
        for (String name : Set.copyOf(created)) {
            try {
                client.genericKubernetesResources(NETWORK_CHAOS).inNamespace(namespace).withName(name).delete();
                created.remove(name);
            } catch (RuntimeException e) {
                Log.warn("could not delete NetworkChaos %s: %s (kubectl -n %s delete networkchaos %s)", name, e.getMessage(), namespace, name);
            }
        }
    }
}
