package ha.target.kube;

import ha.core.SuiteException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** How the Kubernetes target finds a release of the chart: its StatefulSet, and the root password in its Secret. */
final class KubeRelease {
    private KubeRelease() {
    }

    /** The release's StatefulSet, by the chart's labels, else by the chart's full name; fails with what was looked for. */
    static StatefulSet findStatefulSet(KubernetesClient client, Config config, String contextName, String namespace, String release) {
        List<StatefulSet> found;
        try {
            found = client.apps().statefulSets().inNamespace(namespace)
                    .withLabel("app.kubernetes.io/instance", release)
                    .withLabel("app.kubernetes.io/name", "arcadedb")
                    .list().getItems();
        } catch (KubernetesClientException e) {
            throw new SuiteException("cannot reach the Kubernetes API server at " + config.getMasterUrl()
                    + (contextName == null ? "" : " (context " + contextName + ")") + ": " + rootMessage(e));
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        String fullname = release.contains("arcadedb") ? release : release + "-arcadedb";
        StatefulSet byName = client.apps().statefulSets().inNamespace(namespace).withName(fullname).get();
        if (byName != null) {
            return byName;
        }
        throw new SuiteException("no ArcadeDB StatefulSet of release '" + release + "' in namespace '" + namespace
                + "' (looked for labels app.kubernetes.io/instance=" + release + " and for the name " + fullname
                + "); install the chart first, or pass --release/--namespace");
    }

    /** The root password: the Secret key mounted as the file that {@code settingValue} (rootPasswordPath) names. */
    static String readPassword(KubernetesClient client, String namespace, StatefulSet sts, Container container, String settingValue) {
        SecretFiles.SecretKey ref = SecretFiles.find(sts, container, KubeTarget.PASSWORD_FILE_SETTING, settingValue, "root password");
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.secretName()).get();
        if (secret == null) {
            throw new SuiteException("the Secret '" + ref.secretName() + "' named by StatefulSet " + sts.getMetadata().getName()
                    + " for the root password is missing in namespace '" + namespace + "'");
        }
        String value = null;
        if (secret.getData() != null && secret.getData().get(ref.key()) != null) {
            value = new String(Base64.getDecoder().decode(secret.getData().get(ref.key())), StandardCharsets.UTF_8);
        } else if (secret.getStringData() != null) {
            value = secret.getStringData().get(ref.key());
        }
        if (value == null || value.isEmpty()) {
            throw new SuiteException("the Secret '" + ref.secretName() + "' has no value under key '" + ref.key() + "'");
        }
        return value;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
