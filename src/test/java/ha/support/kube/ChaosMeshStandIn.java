package ha.support.kube;

import ha.target.kube.KubeChaos;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays Chaos Mesh's part behind the mock API server: installs its NetworkChaos CRD (so the suite sees Chaos Mesh), and on
 * every controller round applies each new {@code NetworkChaos} of action partition to the pods it names (its
 * {@code selector.pods} cut from its {@code target.selector.pods}, both ways) and lifts it when the object is deleted.
 * What a cut means is the pods' runner's: the simulator cuts a node off, the chart-pods fixture drops loopback pairs.
 */
public final class ChaosMeshStandIn {
    /** Who applies a cut to the pods it runs. */
    public interface Network {
        void cut(List<String> podsA, List<String> podsB);

        void heal(List<String> podsA, List<String> podsB);
    }

    /** One applied NetworkChaos: the two sides it cuts. */
    public record Applied(String name, List<String> sideA, List<String> sideB) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Network network;
    private final Map<String, Applied> applied = new LinkedHashMap<>();
    private final List<String> history = new ArrayList<>();

    ChaosMeshStandIn(KubernetesClient client, String namespace, Network network) {
        this.client = client;
        this.namespace = namespace;
        this.network = network;
    }

    /** Creates the CRD object Chaos Mesh's chart installs (only its name and kind matter to the suite). */
    void installCrd() {
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(KubeChaos.CRD).endMetadata()
                .withNewSpec().withGroup("chaos-mesh.org").withScope("Namespaced")
                .withNewNames().withKind("NetworkChaos").withPlural("networkchaos").withSingular("networkchaos").endNames()
                .addNewVersion().withName("v1alpha1").withServed(true).withStorage(true).endVersion()
                .endSpec().build()).create();
    }

    /** One round: applies new partitions, lifts deleted ones. */
    synchronized void round() {
        List<GenericKubernetesResource> now = client.genericKubernetesResources(KubeChaos.NETWORK_CHAOS).inNamespace(namespace).list().getItems();
        Set<String> names = new java.util.HashSet<>();
        for (GenericKubernetesResource r : now) {
            String name = r.getMetadata().getName();
            names.add(name);
            if (!applied.containsKey(name)) {
                Applied a = parse(r);
                if (a != null) {
                    network.cut(a.sideA(), a.sideB());
                    applied.put(name, a);
                    history.add("applied " + name + " " + a.sideA() + " | " + a.sideB());
                }
            }
        }
        for (String name : Set.copyOf(applied.keySet())) {
            if (!names.contains(name)) {
                Applied a = applied.remove(name);
                network.heal(a.sideA(), a.sideB());
                history.add("lifted " + name);
            }
        }
    }

    /** The partitions in force now. */
    public synchronized List<Applied> applied() {
        return List.copyOf(applied.values());
    }

    /** "applied NAME [a] | [b]", "lifted NAME", in order. */
    public synchronized List<String> history() {
        return List.copyOf(history);
    }

    @SuppressWarnings("unchecked")
    private Applied parse(GenericKubernetesResource r) {
        Object spec = r.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?> s) || !"partition".equals(s.get("action")) || !"both".equals(s.get("direction"))) {
            history.add("ignored " + r.getMetadata().getName() + " (only action partition, direction both is played): " + spec);
            return null;
        }
        List<String> a = pods((Map<String, Object>) s.get("selector"));
        Object target = s.get("target");
        List<String> b = target instanceof Map<?, ?> t ? pods((Map<String, Object>) t.get("selector")) : List.of();
        return new Applied(r.getMetadata().getName(), a, b);
    }

    @SuppressWarnings("unchecked")
    private List<String> pods(Map<String, Object> selector) {
        if (selector == null || !(selector.get("pods") instanceof Map<?, ?> byNamespace)) {
            return List.of();
        }
        Object names = byNamespace.get(namespace);
        return names instanceof List<?> l ? (List<String>) l : List.of();
    }
}
