package ha.support.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A pod's volumes as folders and files, and each container's view of its file system: a folder whose
 * {@code home/arcadedb/{bin,lib,config}} link to the real installation (unless a volume is mounted
 * there) and whose mount paths link to the volume folders.
 */
final class PodFiles {
    private final Path podDir;
    private final Function<String, Path> claimDir;
    private final Function<String, Secret> secrets;
    private final Function<String, ConfigMap> configMaps;
    private final Path installation;
    private final Ownership owner;
    private final Map<String, Path> volumes = new LinkedHashMap<>();
    private final Map<String, Path> containers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Who owns what the pod writes (uid/gid of the container and the pod's fsGroup), when the fixture can choose (root). */
    record Ownership(Long uid, Long gid, Long fsGroup, boolean apply) {
    }

    PodFiles(Path podDir, Function<String, Path> claimDir, Function<String, Secret> secrets, Function<String, ConfigMap> configMaps,
             Path installation, Ownership owner) {
        this.podDir = podDir;
        this.claimDir = claimDir;
        this.secrets = secrets;
        this.configMaps = configMaps;
        this.installation = installation;
        this.owner = owner;
    }

    /** Creates every volume of the pod's spec; fails with one line for a volume kind the fixture does not model. */
    void createVolumes(Pod pod) {
        for (Volume v : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
            volumes.put(v.getName(), createVolume(v));
        }
    }

    private Path createVolume(Volume v) {
        try {
            if (v.getEmptyDir() != null) {
                // as the kubelet makes it: root's, mode 0777, with an fsGroup group-owned by it and setgid
                Path dir = Files.createDirectories(podDir.resolve("volumes").resolve(v.getName()));
                if (owner.apply() && owner.fsGroup() != null) {
                    Files.setAttribute(dir, "unix:gid", owner.fsGroup().intValue());
                    chmod(dir, 02777);
                } else {
                    chmod(dir, 0777);
                }
                return dir;
            }
            if (v.getPersistentVolumeClaim() != null) {
                Path dir = claimDir.apply(v.getPersistentVolumeClaim().getClaimName());
                if (owner.apply() && owner.fsGroup() != null) {
                    Files.setAttribute(dir, "unix:gid", owner.fsGroup().intValue());
                    chmod(dir, 02775);
                }
                return dir;
            }
            if (v.getSecret() != null) {
                Secret s = secrets.apply(v.getSecret().getSecretName());
                if (s == null) {
                    if (Boolean.TRUE.equals(v.getSecret().getOptional())) {
                        return keyFiles(v.getName(), Map.of(), List.of(), v.getSecret().getDefaultMode());
                    }
                    throw new IllegalStateException("secret \"" + v.getSecret().getSecretName() + "\" not found (volume " + v.getName() + ")");
                }
                return keyFiles(v.getName(), secretData(s), v.getSecret().getItems(), v.getSecret().getDefaultMode());
            }
            if (v.getConfigMap() != null) {
                ConfigMap cm = configMaps.apply(v.getConfigMap().getName());
                if (cm == null) {
                    if (Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                        return keyFiles(v.getName(), Map.of(), List.of(), v.getConfigMap().getDefaultMode());
                    }
                    throw new IllegalStateException("configmap \"" + v.getConfigMap().getName() + "\" not found (volume " + v.getName() + ")");
                }
                return keyFiles(v.getName(), configMapData(cm), v.getConfigMap().getItems(), v.getConfigMap().getDefaultMode());
            }
            if (v.getProjected() != null) {
                return projected(v);
            }
            throw new IllegalStateException("volume " + v.getName() + " is of a kind the fixture does not model: " + v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path projected(Volume v) throws IOException {
        Path dir = Files.createDirectories(podDir.resolve("volumes").resolve(v.getName()));
        Integer defaultMode = v.getProjected().getDefaultMode();
        for (VolumeProjection p : v.getProjected().getSources()) {
            if (p.getSecret() != null) {
                Secret s = secrets.apply(p.getSecret().getName());
                if (s == null && !Boolean.TRUE.equals(p.getSecret().getOptional())) {
                    throw new IllegalStateException("secret \"" + p.getSecret().getName() + "\" not found (volume " + v.getName() + ")");
                }
                writeKeys(dir, s == null ? Map.of() : secretData(s), p.getSecret().getItems(), defaultMode);
            } else if (p.getConfigMap() != null) {
                ConfigMap cm = configMaps.apply(p.getConfigMap().getName());
                if (cm == null && !Boolean.TRUE.equals(p.getConfigMap().getOptional())) {
                    throw new IllegalStateException("configmap \"" + p.getConfigMap().getName() + "\" not found (volume " + v.getName() + ")");
                }
                writeKeys(dir, cm == null ? Map.of() : configMapData(cm), p.getConfigMap().getItems(), defaultMode);
            } else {
                throw new IllegalStateException("projected volume " + v.getName() + " has a source the fixture does not model: " + p);
            }
        }
        chmod(dir, 0755);
        return dir;
    }

    private Path keyFiles(String name, Map<String, byte[]> data, List<KeyToPath> items, Integer defaultMode) throws IOException {
        Path dir = Files.createDirectories(podDir.resolve("volumes").resolve(name));
        writeKeys(dir, data, items, defaultMode);
        chmod(dir, 0755);
        return dir;
    }

    /** Every key as a file (or only the listed items, at their paths), with the item's mode, else defaultMode, else 0644. */
    private void writeKeys(Path dir, Map<String, byte[]> data, List<KeyToPath> items, Integer defaultMode) throws IOException {
        List<KeyToPath> files = new ArrayList<>();
        if (items == null || items.isEmpty()) {
            data.keySet().forEach(k -> files.add(new KeyToPath(k, null, k)));
        } else {
            for (KeyToPath item : items) {
                if (!data.containsKey(item.getKey())) {
                    throw new IllegalStateException("key " + item.getKey() + " is not in the volume's source (keys: " + data.keySet() + ")");
                }
                files.add(item);
            }
        }
        for (KeyToPath f : files) {
            Path file = dir.resolve(f.getPath());
            Files.createDirectories(file.getParent());
            Files.write(file, data.get(f.getKey()));
            int mode = f.getMode() != null ? f.getMode() : defaultMode != null ? defaultMode : 0644;
            if (owner.apply()) {
                Files.setAttribute(file, "unix:uid", 0);
                if (owner.fsGroup() != null) {
                    Files.setAttribute(file, "unix:gid", owner.fsGroup().intValue());
                }
            }
            chmod(file, mode);
        }
    }

    static Map<String, byte[]> secretData(Secret s) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
        }
        if (s.getStringData() != null) {
            s.getStringData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    static Map<String, byte[]> configMapData(ConfigMap cm) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
        }
        return out;
    }

    /**
     * The container's file system folder: the image home with the installation's shipped folders and
     * every volume mount as a link; {@code /tmp} a folder of its own unless mounted.
     */
    Path containerFs(Container c, boolean readOnlyRoot) {
        return containers.computeIfAbsent(c.getName(), n -> buildContainerFs(c, readOnlyRoot));
    }

    /** Each mount path of the container and the folder (or file, with subPath) it shows. */
    Map<String, Path> mountTargets(Container c) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            Path volume = volumes.get(m.getName());
            if (volume == null) {
                throw new IllegalStateException("container " + c.getName() + " mounts volume " + m.getName() + ", which the pod does not have");
            }
            out.put(m.getMountPath(), m.getSubPath() == null || m.getSubPath().isEmpty() ? volume : volume.resolve(m.getSubPath()));
        }
        return out;
    }

    private Path buildContainerFs(Container c, boolean readOnlyRoot) {
        Path fs = podDir.resolve("containers").resolve(c.getName()).resolve("fs");
        try {
            List<VolumeMount> mounts = new ArrayList<>(c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts());
            mounts.sort(Comparator.comparingInt(m -> m.getMountPath().length()));
            Path home = mkdirs(fs, ImageDefaults.HOME);
            for (String shipped : ImageDefaults.SHIPPED) {
                String path = ImageDefaults.HOME + "/" + shipped;
                boolean hidden = mounts.stream().anyMatch(m -> isAncestorOrSame(m.getMountPath(), path));
                boolean nested = mounts.stream().anyMatch(m -> m.getMountPath().startsWith(path + "/"));
                if (hidden) {
                    continue;
                }
                if (nested) {
                    Path dir = Files.createDirectories(home.resolve(shipped));
                    try (Stream<Path> entries = Files.list(installation.resolve(shipped))) {
                        for (Path e : entries.toList()) {
                            Files.createSymbolicLink(dir.resolve(e.getFileName().toString()), e);
                        }
                    }
                } else {
                    Files.createSymbolicLink(home.resolve(shipped), installation.resolve(shipped));
                }
            }
            for (VolumeMount m : mounts) {
                Path volume = volumes.get(m.getName());
                if (volume == null) {
                    throw new IllegalStateException("container " + c.getName() + " mounts volume " + m.getName() + ", which the pod does not have");
                }
                Path target = m.getSubPath() == null || m.getSubPath().isEmpty() ? volume : volume.resolve(m.getSubPath());
                if (m.getSubPathExpr() != null) {
                    throw new IllegalStateException("subPathExpr is not modelled (mount " + m.getMountPath() + ")");
                }
                Path link = Path.of(fs + m.getMountPath());
                Files.createDirectories(link.getParent());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, target);
            }
            if (mounts.stream().noneMatch(m -> isAncestorOrSame(m.getMountPath(), "/tmp"))) {
                chmod(mkdirs(fs, "/tmp"), readOnlyRoot ? 0555 : 01777);
            }
            if (readOnlyRoot) {
                chmod(home, 0555);
            } else if (owner.apply() && owner.uid() != null) {
                Files.setAttribute(home, "unix:uid", owner.uid().intValue());
            }
            return fs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isAncestorOrSame(String mount, String path) {
        String m = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
        return path.equals(m) || path.startsWith(m + "/") || m.isEmpty();
    }

    private static Path mkdirs(Path fs, String containerPath) throws IOException {
        Path dir = Path.of(fs + containerPath);
        Files.createDirectories(dir);
        for (Path p = dir; p != null && p.startsWith(fs.getParent()); p = p.getParent()) {
            chmod(p, 0755);
        }
        return dir;
    }

    static void chmod(Path p, int mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        Files.setPosixFilePermissions(p, perms);
        if ((mode & 07000) != 0) {
            // setgid and sticky bits have no PosixFilePermission
            Process chmod = new ProcessBuilder("chmod", Integer.toOctalString(mode), p.toString()).redirectErrorStream(true).start();
            String out = new String(chmod.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (chmod.waitFor() != 0) {
                    throw new IOException("chmod " + Integer.toOctalString(mode) + " " + p + ": " + out.trim());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
