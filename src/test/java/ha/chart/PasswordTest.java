package ha.chart;

import ha.support.chart.ChartFixture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import ha.support.chart.ChartFixture.Rendered;
import ha.support.chart.ChartFixture.SecretFile;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static ha.support.chart.ChartFixture.failure;
import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The root password and the Raft cluster token: Secret files the server reads (never an argument or an env
 * value), generated once and kept on upgrade, or taken from an existing Secret.
 */
@DisplayName("Root password and cluster token")
class PasswordTest {
    static final String PASSWORD_FILE = "arcadedb.server.rootPasswordPath";
    static final String TOKEN_FILE = "arcadedb.ha.clusterTokenPath";

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    private static String generated(Rendered r, String key) {
        Secret secret = r.get(Secret.class, r.fullname() + "-credentials");
        return decode(secret.getData().get(key));
    }

    private static String password(Rendered r) {
        return generated(r, "rootPassword");
    }

    private static String token(Rendered r) {
        return generated(r, "clusterToken");
    }

    /** Value sets that move the secrets around: HA on and off, autoscaling, existing Secrets, metrics, persistence. */
    static List<String> valueCombinations() {
        return List.of(
                "replicaCount: 1\n",
                "replicaCount: 3\n",
                "replicaCount: 5\nha: {readinessRequiresHA: false}\n",
                "replicaCount: 1\nha: {forceEnabled: true}\n",
                "autoscaling: {enabled: true, minReplicas: 3, maxReplicas: 5}\n",
                "persistence: {enabled: true}\nmetrics: {enabled: true, serviceMonitor: {enabled: true}}\n",
                "auth: {secretKey: adminPassword, clusterToken: {secretKey: raftToken}}\n",
                "auth: {clusterToken: {existingSecret: raft-token}}\n",
                "extraEnv: [{name: TZ, value: UTC}]\nextraSettings: {arcadedb.ha.logVerbose: 1}\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueCombinations")
    void noPasswordOrTokenInAnyArgumentOrEnvironmentValue(String values) {
        Rendered r = ChartFixture.renderYaml(values);
        List<String> secrets = new ArrayList<>();
        r.all(Secret.class).forEach(s -> s.getData().forEach((k, v) -> {
            if (!k.equals("username")) {
                secrets.add(decode(v));
            }
        }));
        assertFalse(secrets.isEmpty(), "the chart generated a password or a token");
        for (Container c : r.allContainers()) {
            List<String> words = new ArrayList<>(c.getCommand() == null ? List.of() : c.getCommand());
            words.addAll(c.getArgs() == null ? List.of() : c.getArgs());
            for (String word : words) {
                secrets.forEach(secret -> assertFalse(word.contains(secret), () -> c.getName() + ": a secret in " + word));
                assertFalse(word.startsWith("-Darcadedb.server.rootPassword="), word);
                assertFalse(word.startsWith("-Darcadedb.ha.clusterToken="), word);
            }
            for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                assertTrue(e.getValue() == null || secrets.stream().noneMatch(e.getValue()::contains), () -> "a secret in env " + e.getName());
                assertTrue(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null, () -> "env from a Secret: " + e.getName());
            }
        }
        secrets.forEach(secret -> assertFalse(r.yaml().contains(secret), "a clear-text secret appears nowhere in the manifest"));
        assertTrue(r.settings().containsKey(PASSWORD_FILE));
    }

    @Test
    void thePasswordIsAReadOnlySecretFileOnlyTheServersGroupCanRead() {
        Rendered r = render(set("replicaCount", "3"));
        SecretFile file = r.secretFile(PASSWORD_FILE);
        assertAll(
                () -> assertEquals("test-arcadedb-credentials", file.secretName()),
                () -> assertEquals("rootPassword", file.key()),
                () -> assertEquals(0440, file.defaultMode(), "read for owner (root) and group (fsGroup), nothing for others"),
                () -> assertEquals(null, file.itemMode(), "the item keeps the default mode"),
                () -> assertEquals(1, file.items(), "only the password is projected, not the user name"),
                () -> assertTrue(file.readOnly(), "mounted read-only"),
                () -> assertEquals(1000L, r.pod().getSecurityContext().getFsGroup(), "the server's group owns the files"),
                () -> assertEquals(1000L, r.container().getSecurityContext().getRunAsGroup()));
    }

    @Test
    void withHaTheClusterTokenIsASecondReadOnlySecretFile() {
        Rendered r = render(set("replicaCount", "3"));
        SecretFile file = r.secretFile(TOKEN_FILE);
        assertAll(
                () -> assertEquals("test-arcadedb-credentials", file.secretName()),
                () -> assertEquals("clusterToken", file.key()),
                () -> assertEquals(0440, file.defaultMode()),
                () -> assertEquals(1, file.items()),
                () -> assertTrue(file.readOnly()),
                () -> assertTrue(token(r).matches("[A-Za-z0-9]{48}"), "48 alphanumerics"),
                () -> assertNotEquals(password(r), token(r)));
    }

    @Test
    void withoutHaNoTokenIsMountedOrPassed() {
        Rendered r = render(set("replicaCount", "1"));
        assertFalse(r.settings().containsKey(TOKEN_FILE));
        assertTrue(r.volume("cluster-token").isEmpty());
        assertTrue(token(r).matches("[A-Za-z0-9]{48}"), "generated anyway, so a later scale-up finds a stable token");
    }

    @Test
    void withoutAnFsGroupNobodyCouldReadTheFilesSoRenderingFails() {
        String err = failure(set(), "podSecurityContext: {fsGroup: null}\n");
        assertTrue(err.contains("podSecurityContext.fsGroup must be set"), err);
        assertTrue(err.contains("0440"), err);
    }

    @Test
    void generatedSecretHoldsA32CharacterPasswordTheRootUserAndTheToken() {
        Rendered r = render(set());
        Secret secret = r.get(Secret.class, "test-arcadedb-credentials");
        String password = password(r);
        assertAll(
                () -> assertEquals("Opaque", secret.getType()),
                () -> assertEquals(Set.of("rootPassword", "username", "clusterToken"), secret.getData().keySet()),
                () -> assertTrue(password.matches("[A-Za-z0-9]{32}"), "32 alphanumerics, no ':' (Basic auth), no newline"),
                () -> assertEquals("root", decode(secret.getData().get("username"))),
                () -> assertEquals("keep", secret.getMetadata().getAnnotations().get("helm.sh/resource-policy")),
                () -> assertEquals("test-arcadedb", secret.getMetadata().getLabels().get("app.kubernetes.io/instance")));
    }

    @Test
    void theSuiteCanDiscoverThePasswordFromTheStatefulSet() {
        Rendered r = render(set());
        SecretFile file = r.secretFile(PASSWORD_FILE);
        Secret secret = r.get(Secret.class, file.secretName());
        assertEquals(password(r), decode(secret.getData().get(file.key())));
    }

    @Test
    void eachFreshInstallGetsItsOwnRandomPasswordAndToken() {
        Rendered a = render(set("podAnnotations.render", "a"));
        Rendered b = render(set("podAnnotations.render", "b"));
        assertNotEquals(password(a), password(b));
        assertNotEquals(token(a), token(b));
    }

    @Test
    void anExistingPasswordSecretIsMountedAndTheChartsSecretKeepsOnlyTheToken() {
        Rendered r = render(set("auth.existingSecret", "team-db-root", "auth.secretKey", "password"));
        SecretFile file = r.secretFile(PASSWORD_FILE);
        assertEquals("team-db-root", file.secretName());
        assertEquals("password", file.key());
        Secret own = r.one(Secret.class);
        assertEquals(Set.of("clusterToken"), own.getData().keySet());
        assertEquals(own.getMetadata().getName(), r.secretFile(TOKEN_FILE).secretName());
    }

    @Test
    void anExistingPasswordSecretUsesTheDefaultKey() {
        SecretFile file = render(set("auth.existingSecret", "mine")).secretFile(PASSWORD_FILE);
        assertEquals("mine", file.secretName());
        assertEquals("rootPassword", file.key());
    }

    @Test
    void anExistingTokenSecretIsMountedAndNoTokenIsGenerated() {
        Rendered r = render(set("auth.clusterToken.existingSecret", "raft-token", "auth.clusterToken.secretKey", "token"));
        SecretFile file = r.secretFile(TOKEN_FILE);
        assertEquals("raft-token", file.secretName());
        assertEquals("token", file.key());
        assertEquals(Set.of("rootPassword", "username"), r.one(Secret.class).getData().keySet());
    }

    @Test
    void withBothSecretsExistingTheChartGeneratesNone() {
        Rendered r = render(set("auth.existingSecret", "db", "auth.clusterToken.existingSecret", "db",
                "auth.clusterToken.secretKey", "token"));
        assertFalse(r.has(Secret.class));
        assertEquals("db", r.secretFile(PASSWORD_FILE).secretName());
        assertEquals("db", r.secretFile(TOKEN_FILE).secretName());
    }

    @Test
    void theTokenMustNotBeThePasswordKeyOfTheSameSecret() {
        String err = failure(set("auth.clusterToken.secretKey", "rootPassword"));
        assertTrue(err.contains("the cluster token must not be the root password"), err);
        String existing = failure(set("auth.existingSecret", "db", "auth.clusterToken.existingSecret", "db",
                "auth.clusterToken.secretKey", "rootPassword"));
        assertTrue(existing.contains("in Secret db"), existing);
        String user = failure(set("auth.clusterToken.secretKey", "username"));
        assertTrue(user.contains("auth.clusterToken.secretKey must not be \"username\""), user);
    }

    @Test
    void theGeneratedSecretUsesTheConfiguredKeys() {
        Rendered r = render(set("auth.secretKey", "adminPassword", "auth.clusterToken.secretKey", "raftToken"));
        Secret secret = r.one(Secret.class);
        assertTrue(decode(secret.getData().get("adminPassword")).matches("[A-Za-z0-9]{32}"));
        assertTrue(decode(secret.getData().get("raftToken")).matches("[A-Za-z0-9]{48}"));
        assertEquals(Set.of("adminPassword", "username", "raftToken"), secret.getData().keySet());
        assertEquals("adminPassword", r.secretFile(PASSWORD_FILE).key());
        assertEquals("raftToken", r.secretFile(TOKEN_FILE).key());
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
        String token = failure(set(), "auth:\n  clusterToken: {secretKey: \"" + key + "\"}\n");
        assertTrue(token.contains("auth.clusterToken.secretKey") && token.contains("is not a valid Secret key"), token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"arcadedb.server.rootPassword", "arcadedb.server.rootPasswordPath", "arcadedb.ha.clusterToken",
            "arcadedb.ha.clusterTokenPath"})
    void secretsCannotBeSmuggledInThroughExtraSettings(String key) {
        String err = failure(set(), "extraSettings:\n  " + key + ": hunter22hunter22\n");
        assertTrue(err.contains("extraSettings must not set " + key), err);
        assertTrue(err.contains(key.contains("clusterToken") ? "auth.clusterToken.existingSecret" : "auth.existingSecret"), err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"arcadedb.server.rootPassword", "arcadedb.ha.clusterToken"})
    void secretsCannotBeSmuggledInThroughExtraEnv(String name) {
        String err = failure(set(), "extraEnv:\n  - name: " + name + "\n    value: hunter22hunter22\n");
        assertTrue(err.contains("extraEnv must not set " + name), err);
        assertTrue(err.contains("auth.existingSecret"), err);
    }

    @Test
    void anUpgradeKeepsTheInstalledPasswordAndToken() throws IOException {
        String kept = "KeptFromTheFirstInstall0123456789";
        String keptToken = "TokenFromTheFirstInstall0123456789abcdefghijklmn";
        try (FakeApiServer api = new FakeApiServer()) {
            api.secret("ns1", "test-arcadedb-credentials", "test-arcadedb", Map.of("rootPassword", kept, "clusterToken", keptToken));
            Rendered first = api.render("test-arcadedb", "ns1", set("replicaCount", "3"));
            Rendered scaled = api.render("test-arcadedb", "ns1", set("replicaCount", "5", "ha.snapshotThreshold", "50"));
            assertEquals(kept, password(first));
            assertEquals(kept, password(scaled), "a value change does not rotate the password");
            assertEquals(keptToken, token(first));
            assertEquals(keptToken, token(scaled), "nor the token: members with different tokens cannot talk");
            assertTrue(api.requests.contains("/api/v1/namespaces/ns1/secrets/test-arcadedb-credentials"), api.requests.toString());
        }
    }

    @Test
    void anUpgradeFromASecretWithoutATokenKeepsThePasswordAndAddsAToken() throws IOException {
        String kept = "KeptFromTheFirstInstall0123456789";
        try (FakeApiServer api = new FakeApiServer()) {
            api.secret("ns1", "test-arcadedb-credentials", "test-arcadedb", Map.of("rootPassword", kept));
            Rendered r = api.render("test-arcadedb", "ns1", set());
            assertEquals(kept, password(r));
            assertTrue(token(r).matches("[A-Za-z0-9]{48}"), token(r).length() + " characters");
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
