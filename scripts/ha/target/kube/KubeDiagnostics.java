package ha.target.kube;

import ha.core.EvidenceFiles;
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
            EvidenceFiles.write(podDir.resolve("pod.yaml"), serialization.asYaml(pod));
            var container = client.pods().inNamespace(namespace).withName(name).inContainer(KubeTarget.CONTAINER);
            EvidenceFiles.write(podDir.resolve("log.txt"), EvidenceFiles.answer(container::getLog));
            EvidenceFiles.write(podDir.resolve("previous-log.txt"), EvidenceFiles.answer(() -> container.terminated().getLog()));
        }
        StringBuilder events = new StringBuilder();
        client.v1().events().inNamespace(namespace).list().getItems().stream()
                .sorted(java.util.Comparator.comparing(e -> String.valueOf(e.getLastTimestamp() != null ? e.getLastTimestamp()
                        : e.getEventTime() != null ? e.getEventTime().getTime() : e.getMetadata().getCreationTimestamp())))
                .forEach(e -> events.append(e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getMetadata().getCreationTimestamp())
                        .append(' ').append(e.getType()).append(' ').append(e.getInvolvedObject().getKind()).append('/')
                        .append(e.getInvolvedObject().getName()).append(' ').append(e.getReason()).append(": ")
                        .append(e.getMessage()).append('\n'));
        EvidenceFiles.write(dir.resolve("events.txt"), events.length() == 0 ? "(no events)\n" : events.toString());
        EvidenceFiles.write(dir.resolve("statefulset.yaml"), EvidenceFiles.answer(() -> serialization.asYaml(statefulSet.get())));
        EvidenceFiles.write(dir.resolve("persistentvolumeclaims.yaml"), EvidenceFiles.answer(() -> serialization.asYaml(
                client.persistentVolumeClaims().inNamespace(namespace).list().getItems())));
        EvidenceFiles.write(dir.resolve("helm-values.yaml"), EvidenceFiles.answer(() -> helm.values(release)));
        EvidenceFiles.write(dir.resolve("helm-manifest.yaml"), EvidenceFiles.answer(() -> helm.manifest(release)));
    }
}
