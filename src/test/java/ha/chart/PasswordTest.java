package ha.chart;

import static ha.chart.ChartFixture.failure;
import static ha.chart.ChartFixture.render;
import static ha.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import ha.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The root password: only an env var from a Secret, generated once and kept on upgrade, or an existing Secret. */
@DisplayName("Root password handling")
class PasswordTest {

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    private static String password(Rendered r) {
        Secret secret = r.get(Secret.class, r.fullname() + "-credentials");
        return decode(secret.getData().get("rootPassword"));
    }

    /** What the suite does: read the env entry from the StatefulSet to find the Secret's name and key. */
    private static SecretKeySelector discoveredSecretRef(Rendered r) {
        EnvVar env = r.env("arcadedb.server.rootPassword").orElseThrow();
        assertNull(env.getValue(), "no literal value");
        return env.getValueFrom().getSecretKeyRef();
    }

    @Test
    void acceptanceReplicaCount3ShowsNoPasswordInArgsOrEnvValuesOnlyASecretKeyRef() {
        Rendered r = render(set("replicaCount", "3"));
        String password = password(r);
        List<Container> containers = r.pod().getContainers();
        for (Container c : containers) {
            for (String arg : c.getArgs()) {
                assertFalse(arg.contains(password), "password in an argument");
                assertFalse(arg.toLowerCase().contains("password"), () -> "password setting in an argument: " + arg);
            }
            for (String cmd : c.getCommand()) {
                assertFalse(cmd.contains(password));
            }
            for (EnvVar e : c.getEnv()) {
                assertTrue(e.getValue() == null || !e.getValue().contains(password), () -> "password in env " + e.getName());
            }
        }
        assertTrue(r.pod().getInitContainers() == null || r.pod().getInitContainers().isEmpty());
        EnvVar env = r.env("arcadedb.server.rootPassword").orElseThrow();
        assertAll(
                () -> assertNull(env.getValue()),
                () -> assertNull(env.getValueFrom().getFieldRef()),
                () -> assertNull(env.getValueFrom().getConfigMapKeyRef()),
                () -> assertEquals("test-arcadedb-credentials", env.getValueFrom().getSecretKeyRef().getName()),
                () -> assertEquals("rootPassword", env.getValueFrom().getSecretKeyRef().getKey()));
        assertFalse(r.yaml().contains(password), "the clear-text password appears nowhere in the manifest");
        assertFalse(r.yaml().contains("-Darcadedb.server.rootPassword"), "never a -D argument");
        assertEquals(1, r.container().getEnv().stream().filter(e -> e.getName().contains("rootPassword")).count());
    }

    @Test
    void generatedSecretHoldsA32CharacterAlphanumericPasswordAndTheRootUser() {
        Rendered r = render(set());
        Secret secret = r.get(Secret.class, "test-arcadedb-credentials");
        String password = password(r);
        assertAll(
                () -> assertEquals("Opaque", secret.getType()),
                () -> assertTrue(password.matches("[A-Za-z0-9]{32}"), "24+ alphanumerics, no ':' (Basic auth)"),
                () -> assertEquals("root", decode(secret.getData().get("username"))),
                () -> assertEquals("keep", secret.getMetadata().getAnnotations().get("helm.sh/resource-policy")),
                () -> assertEquals("test-arcadedb", secret.getMetadata().getLabels().get("app.kubernetes.io/instance")));
    }

    @Test
    void theSuiteCanDiscoverTheSecretFromTheStatefulSet() {
        Rendered r = render(set());
        SecretKeySelector ref = discoveredSecretRef(r);
        Secret secret = r.get(Secret.class, ref.getName());
        assertTrue(secret.getData().containsKey(ref.getKey()));
        assertEquals(password(r), decode(secret.getData().get(ref.getKey())));
    }

    @Test
    void eachFreshInstallGetsItsOwnRandomPassword() {
        String a = password(render(set("podAnnotations.render", "a")));
        String b = password(render(set("podAnnotations.render", "b")));
        assertNotEquals(a, b);
    }

    @Test
    void anExistingSecretIsReferencedAndNoneIsGenerated() {
        Rendered r = render(set("auth.existingSecret", "team-db-root", "auth.secretKey", "password"));
        assertFalse(r.has(Secret.class));
        SecretKeySelector ref = discoveredSecretRef(r);
        assertEquals("team-db-root", ref.getName());
        assertEquals("password", ref.getKey());
    }

    @Test
    void anExistingSecretUsesTheDefaultKey() {
        SecretKeySelector ref = discoveredSecretRef(render(set("auth.existingSecret", "mine")));
        assertEquals("mine", ref.getName());
        assertEquals("rootPassword", ref.getKey());
    }

    @Test
    void theGeneratedSecretUsesTheConfiguredKey() {
        Rendered r = render(set("auth.secretKey", "adminPassword"));
        Secret secret = r.one(Secret.class);
        assertTrue(decode(secret.getData().get("adminPassword")).matches("[A-Za-z0-9]{32}"));
        assertFalse(secret.getData().containsKey("rootPassword"));
        assertEquals("adminPassword", discoveredSecretRef(r).getKey());
    }

    @Test
    void theKeepAnnotationCanBeTurnedOff() {
        Secret secret = render(set("auth.keepSecretOnUninstall", "false")).one(Secret.class);
        assertTrue(secret.getMetadata().getAnnotations() == null
                || !secret.getMetadata().getAnnotations().containsKey("helm.sh/resource-policy"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad key", "key/with/slash", "ümlaut"})
    void anInvalidSecretKeyIsRefused(String key) {
        String err = failure(set(), "auth:\n  secretKey: \"" + key + "\"\n");
        assertTrue(err.contains("is not a valid Secret key"), err);
    }

    @Test
    void thePasswordCannotBeSmuggledInThroughExtraSettings() {
        String err = failure(set(), "extraSettings:\n  arcadedb.server.rootPassword: hunter22hunter22\n");
        assertTrue(err.contains("extraSettings must not set arcadedb.server.rootPassword"), err);
        assertTrue(err.contains("auth.existingSecret"), err);
        assertTrue(err.contains("never be a process argument"), err);
    }

    @Test
    void thePasswordCannotBeSmuggledInThroughExtraEnv() {
        String err = failure(set(), "extraEnv:\n  - name: arcadedb.server.rootPassword\n    value: hunter22hunter22\n");
        assertTrue(err.contains("extraEnv must not set arcadedb.server.rootPassword"), err);
        assertTrue(err.contains("auth.existingSecret"), err);
    }

    @Test
    void anUpgradeKeepsTheInstalledPassword() throws IOException {
        String kept = "KeptFromTheFirstInstall0123456789";
        try (FakeApiServer api = new FakeApiServer()) {
            api.secret("ns1", "test-arcadedb-credentials", "test-arcadedb", Map.of("rootPassword", kept));
            Rendered first = api.render("test-arcadedb", "ns1", set("replicaCount", "3"));
            Rendered scaled = api.render("test-arcadedb", "ns1", set("replicaCount", "5", "ha.snapshotThreshold", "50"));
            assertEquals(kept, password(first));
            assertEquals(kept, password(scaled), "a value change does not rotate the password");
            assertTrue(api.requests.contains("/api/v1/namespaces/ns1/secrets/test-arcadedb-credentials"), api.requests.toString());
        }
    }

    @Test
    void anInstalledSecretWithoutTheKeyGetsANewPassword() throws IOException {
        try (FakeApiServer api = new FakeApiServer()) {
            api.secret("ns1", "test-arcadedb-credentials", "test-arcadedb", Map.of("other", "x"));
            String password = password(api.render("test-arcadedb", "ns1", set()));
            assertTrue(password.matches("[A-Za-z0-9]{32}"), password);
        }
    }

    /**
     * A minimal Kubernetes API (version, discovery, GET of stored objects) so that {@code helm template
     * --dry-run=server} runs the chart's lookup as an upgrade would, without a cluster.
     */
    static final class FakeApiServer implements AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        /** group/version to "plural:Kind" of every kind the chart renders by default. */
        private static final Map<String, List<String>> RESOURCES = Map.of(
                "v1", List.of("secrets:Secret", "services:Service", "serviceaccounts:ServiceAccount", "configmaps:ConfigMap"),
                "apps/v1", List.of("statefulsets:StatefulSet"),
                "policy/v1", List.of("poddisruptionbudgets:PodDisruptionBudget"),
                "autoscaling/v2", List.of("horizontalpodautoscalers:HorizontalPodAutoscaler"),
                "networking.k8s.io/v1", List.of("networkpolicies:NetworkPolicy", "ingresses:Ingress"));
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final Map<String, Object> objects = new ConcurrentHashMap<>();
        private final HttpServer server;
        private final Path kubeconfig;

        FakeApiServer() throws IOException {
            objects.put("/version", Map.of("major", "1", "minor", "30", "gitVersion", "v1.30.0"));
            objects.put("/api", Map.of("kind", "APIVersions", "versions", List.of("v1"), "serverAddressByClientCIDRs", List.of()));
            List<Object> groups = new ArrayList<>();
            RESOURCES.forEach((gv, kinds) -> {
                List<Object> resources = kinds.stream().map(k -> (Object) Map.of("name", k.split(":")[0], "singularName", "",
                        "namespaced", true, "kind", k.split(":")[1], "verbs", List.of("get", "list", "create", "update", "patch", "delete"))).toList();
                objects.put(gv.equals("v1") ? "/api/v1" : "/apis/" + gv,
                        Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", gv, "resources", resources));
                if (gv.contains("/")) {
                    Map<String, String> version = Map.of("groupVersion", gv, "version", gv.substring(gv.indexOf('/') + 1));
                    groups.add(Map.of("name", gv.substring(0, gv.indexOf('/')), "versions", List.of(version), "preferredVersion", version));
                }
            });
            objects.put("/apis", Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groups));
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                requests.add(path);
                Object found = "GET".equals(exchange.getRequestMethod()) ? objects.get(path) : null;
                byte[] body = JSON.writeValueAsBytes(found != null ? found
                        : Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "reason", "NotFound", "code", 404));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(found != null ? 200 : 404, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            kubeconfig = Files.createTempFile("fake-kubeconfig-", ".yaml");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: fake, cluster: {server: "http://127.0.0.1:%d"}}]
                    contexts: [{name: fake, context: {cluster: fake, user: fake}}]
                    users: [{name: fake, user: {token: fake}}]
                    current-context: fake
                    """.formatted(server.getAddress().getPort()));
        }

        /** Stores a Secret as a previous install of the release left it (with Helm's ownership metadata). */
        void secret(String namespace, String name, String release, Map<String, String> data) {
            Map<String, String> encoded = new LinkedHashMap<>();
            data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
            objects.put("/api/v1/namespaces/" + namespace + "/secrets/" + name, Map.of(
                    "kind", "Secret", "apiVersion", "v1", "type", "Opaque", "data", encoded,
                    "metadata", Map.of("name", name, "namespace", namespace,
                            "labels", Map.of("app.kubernetes.io/managed-by", "Helm"),
                            "annotations", Map.of("meta.helm.sh/release-name", release, "meta.helm.sh/release-namespace", namespace))));
        }

        Rendered render(String release, String namespace, Map<String, String> values) {
            return ChartFixture.renderWith(release, namespace, values,
                    List.of("--dry-run=server", "--disable-openapi-validation", "--kubeconfig", kubeconfig.toString()));
        }

        @Override
        public void close() throws IOException {
            server.stop(0);
            Files.deleteIfExists(kubeconfig);
        }
    }
}
