package ha.target.kube;

import ha.core.SuiteException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the Secret behind a file setting of the chart's pod spec, the way the kubelet wires it:
 * {@code -D<setting>=<file>} -> the container's volume mount that holds the file -> that Secret volume's
 * item (or, without items, the key named like the file).
 */
public final class SecretFiles {
    /** A key of a Secret. */
    public record SecretKey(String secretName, String key) {
    }

    private SecretFiles() {
    }

    /**
     * The Secret key whose content the container sees at the file that the {@code -D<setting>=} argument names
     * ({@code file}, null when the argument is missing); one clear line when there is none.
     */
    public static SecretKey find(StatefulSet sts, Container container, String setting, String file, String what) {
        String name = sts.getMetadata().getName();
        if (file == null || file.isBlank()) {
            throw new SuiteException("StatefulSet " + name + " passes no -D" + setting + "=<file> argument for the " + what
                    + "; is it installed by this chart (the version that mounts the Secret as a file)?");
        }
        List<VolumeMount> mounts = container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
        VolumeMount mount = mounts.stream().filter(m -> m.getMountPath() != null && file.startsWith(trimSlash(m.getMountPath()) + "/"))
                .max(Comparator.comparingInt(m -> m.getMountPath().length())).orElse(null);
        if (mount == null) {
            throw new SuiteException("StatefulSet " + name + " reads the " + what + " from " + file
                    + ", but no volume is mounted over that path in container " + container.getName());
        }
        List<Volume> volumes = sts.getSpec().getTemplate().getSpec().getVolumes();
        SecretVolumeSource secret = (volumes == null ? List.<Volume>of() : volumes).stream()
                .filter(v -> mount.getName().equals(v.getName())).map(Volume::getSecret).filter(s -> s != null)
                .findFirst().orElse(null);
        if (secret == null || secret.getSecretName() == null) {
            throw new SuiteException("StatefulSet " + name + " reads the " + what + " from " + file + ", but volume '"
                    + mount.getName() + "' mounted there is not a Secret volume");
        }
        String path = file.substring(trimSlash(mount.getMountPath()).length() + 1);
        if (secret.getItems() == null || secret.getItems().isEmpty()) {
            return new SecretKey(secret.getSecretName(), path);
        }
        return secret.getItems().stream().filter(i -> path.equals(i.getPath())).map(KeyToPath::getKey)
                .map(key -> new SecretKey(secret.getSecretName(), key)).findFirst()
                .orElseThrow(() -> new SuiteException("StatefulSet " + name + " reads the " + what + " from " + file
                        + ", but Secret volume '" + mount.getName() + "' projects no key to '" + path + "'"));
    }

    private static String trimSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
