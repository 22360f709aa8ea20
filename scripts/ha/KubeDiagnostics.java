package ha;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/** The evidence a failed run keeps from a Kubernetes release: pods, their logs, events, the StatefulSet, claims, helm. */
final class KubeDiagnostics {
    private KubeDiagnostics() {
    }

    /**
     * Writes, redacted, per pod nodes/&lt;pod&gt;/pod.yaml, log.txt and previous-log.txt, then events.txt, the StatefulSet, the
     * volume claims and the helm release's values and manifest.
     */
    static void collect(KubernetesClient client, String namespace, String release, java.util.function.Supplier<StatefulSet> statefulSet,
                        Helm helm, Path dir) {
        var serialization = client.getKubernetesSerialization();
        for (Pod pod : client.pods().inNamespace(namespace).withLabel("app.kubernetes.io/instance", release).list().getItems()) {
            String name = pod.getMetadata().getName();
            Path podDir = dir.resolve("nodes").resolve(name);
            RunReport.writeRedacted(podDir.resolve("pod.yaml"), serialization.asYaml(pod));
            var container = client.pods().inNamespace(namespace).withName(name).inContainer(KubeTarget.CONTAINER);
            RunReport.writeRedacted(podDir.resolve("log.txt"), Diagnostics.answer(container::getLog));
            RunReport.writeRedacted(podDir.resolve("previous-log.txt"), Diagnostics.answer(() -> container.terminated().getLog()));
        }
        StringBuilder events = new StringBuilder();
        client.v1().events().inNamespace(namespace).list().getItems().stream()
                .sorted(java.util.Comparator.comparing(e -> String.valueOf(e.getLastTimestamp() != null ? e.getLastTimestamp()
                        : e.getEventTime() != null ? e.getEventTime().getTime() : e.getMetadata().getCreationTimestamp())))
                .forEach(e -> events.append(e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getMetadata().getCreationTimestamp())
                        .append(' ').append(e.getType()).append(' ').append(e.getInvolvedObject().getKind()).append('/')
                        .append(e.getInvolvedObject().getName()).append(' ').append(e.getReason()).append(": ")
                        .append(e.getMessage()).append('\n'));
        RunReport.writeRedacted(dir.resolve("events.txt"), events.length() == 0 ? "(no events)\n" : events.toString());
        RunReport.writeRedacted(dir.resolve("statefulset.yaml"), Diagnostics.answer(() -> serialization.asYaml(statefulSet.get())));
        RunReport.writeRedacted(dir.resolve("persistentvolumeclaims.yaml"), Diagnostics.answer(() -> serialization.asYaml(
                client.persistentVolumeClaims().inNamespace(namespace).list().getItems())));
        RunReport.writeRedacted(dir.resolve("helm-values.yaml"), Diagnostics.answer(() -> helm.values(release)));
        RunReport.writeRedacted(dir.resolve("helm-manifest.yaml"), Diagnostics.answer(() -> helm.manifest(release)));
    }
}
