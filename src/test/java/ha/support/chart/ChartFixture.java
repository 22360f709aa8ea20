package ha.support.chart;

import ha.core.Procs;
import ha.target.kube.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renders charts/arcadedb with the real {@code helm template} (through {@link ha.target.kube.Helm}) and loads the
 * output as typed fabric8 objects. Each distinct value set is rendered once per test JVM and shared by
 * every test that asks for it.
 */
public final class ChartFixture {
    static final Path ROOT = Path.of(System.getProperty("ha.projectRoot", System.getProperty("user.dir"))).toAbsolutePath();
    public static final Path CHART = ROOT.resolve("charts/arcadedb");
    static final String RELEASE = "test-arcadedb";
    public static final String NAMESPACE = "default";

    /** The helm ci/bootstrap.sh installed (either layout it has used), else helm from PATH. */
    public static final String HELM = Stream.of(".tools/helm/bin/helm", ".tools/bin/helm")
            .map(ROOT::resolve).filter(Files::isExecutable).map(Path::toString).findFirst().orElse("helm");
    private static final KubernetesClient CLIENT = new KubernetesClientBuilder().build();
    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();
    private static final Map<String, Path> VALUES_FILES = new ConcurrentHashMap<>();
    private static Path notesChart;

    private ChartFixture() {
    }

    /** --set pairs in order: set("replicaCount", "3", "ha.clusterName", "x"). */
    public static Map<String, String> set(String... keyValues) {
        assertEquals(0, keyValues.length % 2, "set() takes key/value pairs");
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    public static Helm helm(String namespace) {
        return new Helm(HELM, null, namespace);
    }

    public static Rendered render(Map<String, String> values) {
        return render(RELEASE, NAMESPACE, values, null);
    }

    public static Rendered renderYaml(String valuesYaml) {
        return render(RELEASE, NAMESPACE, Map.of(), valuesYaml);
    }

    /** Renders once per (release, namespace, --set values, values file text); later calls get the same objects. */
    public static Rendered render(String release, String namespace, Map<String, String> values, String valuesYaml) {
        String key = release + "|" + namespace + "|" + values + "|" + valuesYaml;
        return RENDERED.computeIfAbsent(key, k -> {
            String out = helm(namespace).template(release, CHART, values, valuesArgs(valuesYaml));
            return new Rendered(release, namespace, out, load(out));
        });
    }

    /** Rendering that must fail: returns helm's stderr (which carries the chart's fail message). */
    public static String failure(Map<String, String> values) {
        return failure(values, null);
    }

    public static String failure(Map<String, String> values, String valuesYaml) {
        Procs.Result r = attempt(values, valuesYaml);
        assertNotEquals(0, r.exitCode(), () -> "rendering was expected to fail for " + values + " " + valuesYaml);
        return r.stderr().replaceAll("\\s+", " ");
    }

    /** helm template's result as it is, success or failure, without the cache (thread-safe). */
    public static Procs.Result attempt(Map<String, String> values, String valuesYaml) {
        return helm(NAMESPACE).tryTemplate(RELEASE, CHART, values, valuesArgs(valuesYaml));
    }

    /** Raw helm template with extra arguments (no cache), e.g. against a fake API server. */
    public static Rendered renderWith(String release, String namespace, Map<String, String> values, List<String> extraArgs) {
        String out = helm(namespace).template(release, CHART, values, extraArgs);
        return new Rendered(release, namespace, out, load(out));
    }

    /**
     * The text helm install prints as NOTES. helm template never renders NOTES.txt, so a copy of the
     * chart gets one extra template that renders the same named template NOTES.txt consists of.
     */
    public static String notes(String release, String namespace, Map<String, String> values) {
        String key = "notes|" + release + "|" + namespace + "|" + values;
        return RENDERED.computeIfAbsent(key, k -> {
            List<String> args = List.of("--show-only", "templates/zz-notes-probe.yaml");
            String out = helm(namespace).template(release, notesChart(), values, args);
            return new Rendered(release, namespace, out, load(out));
        }).one(ConfigMap.class).getData().get("notes");
    }

    public static String notes(Map<String, String> values) {
        return notes(RELEASE, NAMESPACE, values);
    }

    public static Procs.Result lint() {
        return helm(NAMESPACE).lint(CHART, true);
    }

    public static String expectedFullname(String release) {
        return release.contains("arcadedb") ? release : release + "-arcadedb";
    }

    private static List<String> valuesArgs(String valuesYaml) {
        if (valuesYaml == null) {
            return List.of();
        }
        Path file = VALUES_FILES.computeIfAbsent(valuesYaml, text -> {
            try {
                Path f = Files.createTempFile("arcadedb-values-", ".yaml");
                f.toFile().deleteOnExit();
                Files.writeString(f, text);
                return f;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return List.of("-f", file.toString());
    }

    private static List<HasMetadata> load(String yaml) {
        return CLIENT.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    private static synchronized Path notesChart() {
        if (notesChart == null) {
            try {
                Path dir = Files.createTempDirectory("arcadedb-notes-chart-");
                try (Stream<Path> files = Files.walk(CHART)) {
                    for (Path source : (Iterable<Path>) files::iterator) {
                        Path target = dir.resolve(CHART.relativize(source).toString());
                        if (Files.isDirectory(source)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(source, target);
                        }
                    }
                }
                Files.writeString(dir.resolve("templates/zz-notes-probe.yaml"), """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: notes-probe
                        data:
                          notes: {{ include "arcadedb.notes" . | toJson }}
                        """);
                notesChart = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return notesChart;
    }

    /** Where a file setting's content comes from, with the file's modes and the mount's read-only flag. */
    public record SecretFile(String secretName, String key, Integer defaultMode, Integer itemMode, boolean readOnly, int items,
                      String volumeName) {
    }

    /** One rendered release: the YAML text and its typed objects, with accessors for the parts tests read. */
    public record Rendered(String release, String namespace, String yaml, List<HasMetadata> items) {

        public <T extends HasMetadata> List<T> all(Class<T> type) {
            return items.stream().filter(type::isInstance).map(type::cast).toList();
        }

        public <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            assertEquals(1, found.size(), () -> "expected exactly one " + type.getSimpleName() + ", got " + found.size());
            return found.get(0);
        }

        public <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
            return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
        }

        public <T extends HasMetadata> T get(Class<T> type, String name) {
            return find(type, name).orElseGet(() -> fail("no " + type.getSimpleName() + " named " + name));
        }

        public <T extends HasMetadata> boolean has(Class<T> type) {
            return !all(type).isEmpty();
        }

        public String fullname() {
            return statefulSet().getMetadata().getName();
        }

        public StatefulSet statefulSet() {
            return one(StatefulSet.class);
        }

        public PodSpec pod() {
            return statefulSet().getSpec().getTemplate().getSpec();
        }

        public Container container() {
            List<Container> containers = pod().getContainers();
            assertEquals(1, containers.size(), "one container");
            assertEquals("arcadedb", containers.get(0).getName());
            return containers.get(0);
        }

        public List<String> args() {
            return container().getArgs();
        }

        /** The init containers and the arcadedb container. */
        public List<Container> allContainers() {
            List<Container> all = new ArrayList<>(pod().getInitContainers() == null ? List.of() : pod().getInitContainers());
            all.addAll(pod().getContainers());
            return all;
        }

        public Optional<Volume> volume(String name) {
            return pod().getVolumes().stream().filter(v -> name.equals(v.getName())).findFirst();
        }

        /**
         * The Secret behind a file setting, found the way a reader of the pod spec finds it:
         * {@code -D<setting>=<file>} -> the arcadedb container's mount holding that file -> the Secret volume's item.
         */
        public SecretFile secretFile(String setting) {
            String file = settings().get(setting);
            assertNotNull(file, () -> setting + " is not passed");
            VolumeMount mount = container().getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/"))
                    .findFirst().orElseGet(() -> fail("no volume is mounted over " + file));
            Volume volume = volume(mount.getName()).orElseGet(() -> fail("no volume " + mount.getName()));
            SecretVolumeSource secret = volume.getSecret();
            assertNotNull(secret, () -> "volume " + mount.getName() + " is not a Secret volume");
            String path = file.substring(mount.getMountPath().length() + 1);
            KeyToPath item = secret.getItems().stream().filter(i -> path.equals(i.getPath())).findFirst()
                    .orElseGet(() -> fail("Secret volume " + mount.getName() + " has no item at " + path));
            return new SecretFile(secret.getSecretName(), item.getKey(), secret.getDefaultMode(), item.getMode(),
                    Boolean.TRUE.equals(mount.getReadOnly()), secret.getItems().size(), mount.getName());
        }

        /** The -D arguments as key to value; every argument must be one -Dkey=value and keys are unique. */
        public Map<String, String> settings() {
            Map<String, String> settings = new LinkedHashMap<>();
            for (String arg : args()) {
                assertTrue(arg.startsWith("-D") && arg.indexOf('=') > 2, () -> "not a -Dkey=value argument: " + arg);
                String key = arg.substring(2, arg.indexOf('='));
                String previous = settings.put(key, arg.substring(arg.indexOf('=') + 1));
                assertEquals(null, previous, () -> "setting passed twice: " + key);
            }
            return settings;
        }

        public Optional<EnvVar> env(String name) {
            return container().getEnv().stream().filter(e -> name.equals(e.getName())).findFirst();
        }

        /** Server-list entries in order; empty when HA is off. */
        public List<String> serverList() {
            String list = settings().get("arcadedb.ha.serverList");
            return list == null ? List.of() : new ArrayList<>(Arrays.asList(list.split(",")));
        }
    }
}
