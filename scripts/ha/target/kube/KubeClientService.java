package ha.target.kube;

import ha.core.Node;
import ha.core.SuiteException;
import ha.target.Target.ServiceState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The release's client Service (reference §8.1) and the nodes it routes to: a Service of the release that is not
 * headless and selects pods, the one labelled {@code app.kubernetes.io/component=http} where there are several. Its
 * own selector decides which pods it routes to; nothing is assumed about it.
 */
record KubeClientService(String name, Map<String, String> selector) {

    static KubeClientService find(KubernetesClient client, String namespace, String release) {
        List<Service> services = client.services().inNamespace(namespace)
                .withLabel("app.kubernetes.io/instance", release).list().getItems().stream()
                .filter(s -> s.getSpec() != null && !"None".equals(s.getSpec().getClusterIP())
                        && s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty())
                .toList();
        Service chosen = services.stream()
                .filter(s -> s.getMetadata().getLabels() != null && "http".equals(s.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .findFirst().orElse(services.isEmpty() ? null : services.get(0));
        if (chosen == null) {
            throw new SuiteException("no client Service of release '" + release + "' in namespace '" + namespace
                    + "' (a Service labelled app.kubernetes.io/instance=" + release + " that is not headless and selects pods); "
                    + "--write-via service routes writes the way it would: install the chart's Services, or pass --write-via leader or every-node");
        }
        return new KubeClientService(chosen.getMetadata().getName(), Map.copyOf(chosen.getSpec().getSelector()));
    }

    /**
     * The pods it selects, Ready and not terminating (what the EndpointSlice controller publishes as ready endpoints),
     * in the order of {@code nodes}; a node whose pod the Service does not select is not ready.
     */
    List<ServiceState> view(KubernetesClient client, String namespace, List<Node> nodes) {
        Map<String, Pod> selected = new LinkedHashMap<>();
        for (Pod pod : client.pods().inNamespace(namespace).withLabels(selector).list().getItems()) {
            selected.put(pod.getMetadata().getName(), pod);
        }
        List<ServiceState> out = new ArrayList<>();
        for (Node node : nodes) {
            Pod pod = selected.get(node.name());
            if (pod == null) {
                out.add(new ServiceState(node, false, -1, "no pod selected by Service " + name));
                continue;
            }
            boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
            boolean ready = KubeObjects.isReady(pod) && !terminating;
            out.add(new ServiceState(node, ready, KubeObjects.startedMillis(pod), terminating ? "terminating" : ready ? "Ready" : "not Ready"));
        }
        return out;
    }
}
