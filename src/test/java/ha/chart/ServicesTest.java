package ha.chart;

import ha.support.chart.ChartFixture;

import ha.support.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static ha.support.chart.ChartFixture.failure;
import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.renderYaml;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Services, extra ports, Ingress, ServiceMonitor and extra manifests. */
@DisplayName("Services, Ingress, ServiceMonitor, extra manifests")
class ServicesTest {

    private static List<String> ports(Service s) {
        return s.getSpec().getPorts().stream()
                .map(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal() + "/" + p.getProtocol()).toList();
    }

    @Test
    void servicesByDefault() {
        Rendered r = render(set());
        Service headless = r.get(Service.class, "test-arcadedb");
        Service client = r.get(Service.class, "test-arcadedb-http");
        assertEquals(List.of("http:2480->http/TCP", "raft:2434->raft/TCP"), ports(headless));
        assertEquals(List.of("http:2480->http/TCP"), ports(client));
        assertEquals("headless", headless.getMetadata().getLabels().get("app.kubernetes.io/component"));
        assertEquals("http", client.getMetadata().getLabels().get("app.kubernetes.io/component"));
        assertTrue(client.getMetadata().getAnnotations() == null || client.getMetadata().getAnnotations().isEmpty());
        assertTrue(headless.getMetadata().getAnnotations() == null || headless.getMetadata().getAnnotations().isEmpty());
    }

    @Test
    void serviceTypeAndAnnotationsAreValues() {
        Rendered r = render(set("service.type", "LoadBalancer", "service.annotations.lb\\.example\\.org/internal", "true",
                "service.headless.annotations.note", "peers"));
        Service client = r.get(Service.class, "test-arcadedb-http");
        assertEquals("LoadBalancer", client.getSpec().getType());
        assertEquals("true", client.getMetadata().getAnnotations().get("lb.example.org/internal"));
        Service headless = r.get(Service.class, "test-arcadedb");
        assertEquals("ClusterIP", headless.getSpec().getType(), "the headless Service stays headless");
        assertEquals("None", headless.getSpec().getClusterIP());
        assertEquals("peers", headless.getMetadata().getAnnotations().get("note"));
    }

    @Test
    void extraPortsReachTheContainerAndBothServices() {
        Rendered r = renderYaml("""
                service:
                  extraPorts:
                    - {name: postgres, port: 5432}
                    - {name: bolt, port: 17687, targetPort: 7687}
                    - {name: dns-ish, port: 5353, protocol: UDP}
                """);
        assertEquals(List.of("http:2480", "raft:2434", "postgres:5432", "bolt:7687", "dns-ish:5353"),
                r.container().getPorts().stream().map(p -> p.getName() + ":" + p.getContainerPort()).toList());
        assertEquals("UDP", r.container().getPorts().get(4).getProtocol());
        List<String> extra = List.of("postgres:5432->postgres/TCP", "bolt:17687->bolt/TCP", "dns-ish:5353->dns-ish/UDP");
        List<String> client = ports(r.get(Service.class, "test-arcadedb-http"));
        List<String> headless = ports(r.get(Service.class, "test-arcadedb"));
        assertEquals(extra, client.subList(1, client.size()));
        assertEquals(extra, headless.subList(2, headless.size()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{name: http, port: 8080}|is used twice",
            "[{name: pg, port: 5432}, {name: pg, port: 5433}]|is used twice",
            "{name: Postgres, port: 5432}|must be a port name",
            "{name: a-very-long-port-name, port: 5432}|must be a port name",
            "{name: pg}|at '/service/extraPorts/0': missing property 'port'"})
    void extraPortsAreChecked(String ports, String message) {
        String list = ports.startsWith("[") ? ports : "[" + ports + "]";
        String err = failure(set(), "service:\n  extraPorts: " + list + "\n");
        assertTrue(err.contains(message), err);
    }

    @Test
    void noIngressByDefault() {
        assertFalse(render(set()).has(Ingress.class));
    }

    @Test
    void ingressRoutesToTheClientService() {
        Rendered r = renderYaml("""
                ingress:
                  enabled: true
                  className: nginx
                  annotations: {nginx.ingress.kubernetes.io/proxy-body-size: 100m}
                  hosts:
                    - host: db.example.org
                      paths:
                        - {path: /, pathType: Prefix}
                        - {path: /api, pathType: ImplementationSpecific}
                  tls:
                    - {secretName: db-tls, hosts: [db.example.org]}
                """);
        Ingress ing = r.one(Ingress.class);
        assertEquals("test-arcadedb", ing.getMetadata().getName());
        assertEquals("nginx", ing.getSpec().getIngressClassName());
        assertEquals("100m", ing.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-body-size"));
        assertEquals("db.example.org", ing.getSpec().getRules().get(0).getHost());
        List<HTTPIngressPath> paths = ing.getSpec().getRules().get(0).getHttp().getPaths();
        assertEquals(List.of("/:Prefix", "/api:ImplementationSpecific"), paths.stream().map(p -> p.getPath() + ":" + p.getPathType()).toList());
        for (HTTPIngressPath p : paths) {
            assertEquals("test-arcadedb-http", p.getBackend().getService().getName());
            assertEquals("http", p.getBackend().getService().getPort().getName());
        }
        assertEquals("db-tls", ing.getSpec().getTls().get(0).getSecretName());
        assertEquals(List.of("db.example.org"), ing.getSpec().getTls().get(0).getHosts());
    }

    @Test
    void ingressWithDefaultHostsAndNoClass() {
        Ingress ing = render(set("ingress.enabled", "true")).one(Ingress.class);
        assertNull(ing.getSpec().getIngressClassName());
        assertEquals("arcadedb.local", ing.getSpec().getRules().get(0).getHost());
        assertTrue(ing.getSpec().getTls() == null || ing.getSpec().getTls().isEmpty());
    }

    private static GenericKubernetesResource serviceMonitor(Rendered r) {
        List<GenericKubernetesResource> found = r.all(GenericKubernetesResource.class).stream()
                .filter(g -> "ServiceMonitor".equals(g.getKind())).toList();
        assertEquals(1, found.size());
        assertEquals("monitoring.coreos.com/v1", found.get(0).getApiVersion());
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> endpoint(GenericKubernetesResource sm) {
        Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
        return ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void serviceMonitorScrapesPrometheusOnTheClientServiceWithTheChartsCredentials() {
        Rendered r = render(set("metrics.enabled", "true", "metrics.serviceMonitor.enabled", "true"));
        GenericKubernetesResource sm = serviceMonitor(r);
        assertEquals("default", sm.getMetadata().getNamespace());
        Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
        Map<String, Object> selector = (Map<String, Object>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
        Service client = r.get(Service.class, "test-arcadedb-http");
        assertTrue(client.getMetadata().getLabels().entrySet().containsAll(((Map<String, String>) (Map<?, ?>) selector).entrySet()),
                "selects the client Service");
        assertFalse(r.get(Service.class, "test-arcadedb").getMetadata().getLabels().entrySet()
                .containsAll(((Map<String, String>) (Map<?, ?>) selector).entrySet()), "not the headless one (no double scrape)");
        assertEquals(List.of("default"), ((Map<String, Object>) spec.get("namespaceSelector")).get("matchNames"));
        Map<String, Object> ep = endpoint(sm);
        assertEquals("http", ep.get("port"));
        assertEquals("/prometheus", ep.get("path"));
        assertEquals("30s", ep.get("interval"));
        assertEquals("10s", ep.get("scrapeTimeout"));
        Map<String, Map<String, String>> auth = (Map<String, Map<String, String>>) ep.get("basicAuth");
        assertEquals(Map.of("name", "test-arcadedb-credentials", "key", "username"), auth.get("username"));
        assertEquals(Map.of("name", "test-arcadedb-credentials", "key", "rootPassword"), auth.get("password"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void serviceMonitorValues() {
        Rendered r = renderYaml("""
                metrics:
                  enabled: true
                  requireAuthentication: false
                  serviceMonitor:
                    enabled: true
                    interval: 15s
                    scrapeTimeout: 5s
                    labels: {release: kube-prometheus}
                """);
        GenericKubernetesResource sm = serviceMonitor(r);
        assertEquals("kube-prometheus", sm.getMetadata().getLabels().get("release"));
        Map<String, Object> ep = endpoint(sm);
        assertEquals("15s", ep.get("interval"));
        assertEquals("5s", ep.get("scrapeTimeout"));
        assertNull(ep.get("basicAuth"), "no credentials when the endpoint is open");

        Rendered custom = renderYaml("""
                auth: {existingSecret: db-root}
                metrics:
                  enabled: true
                  serviceMonitor:
                    enabled: true
                    namespace: monitoring
                    basicAuth:
                      username: {name: scrape-creds, key: user}
                      password: {name: scrape-creds, key: pass}
                """);
        GenericKubernetesResource cm = serviceMonitor(custom);
        assertEquals("monitoring", cm.getMetadata().getNamespace());
        Map<String, Map<String, String>> auth = (Map<String, Map<String, String>>) endpoint(cm).get("basicAuth");
        assertEquals("scrape-creds", auth.get("username").get("name"));
        assertEquals("pass", auth.get("password").get("key"));
        Map<String, Object> spec = (Map<String, Object>) cm.getAdditionalProperties().get("spec");
        assertEquals(List.of("default"), ((Map<String, Object>) spec.get("namespaceSelector")).get("matchNames"));
    }

    @Test
    void serviceMonitorGuards() {
        String noMetrics = failure(set("metrics.serviceMonitor.enabled", "true"));
        assertTrue(noMetrics.contains("metrics.serviceMonitor.enabled needs metrics.enabled=true"), noMetrics);
        String existing = failure(set("metrics.enabled", "true", "metrics.serviceMonitor.enabled", "true", "auth.existingSecret", "x"));
        assertTrue(existing.contains("metrics.serviceMonitor.basicAuth must be set when auth.existingSecret is used"), existing);
        String otherNs = failure(set("metrics.enabled", "true", "metrics.serviceMonitor.enabled", "true",
                "metrics.serviceMonitor.namespace", "monitoring"));
        assertTrue(otherNs.contains("Prometheus reads basicAuth Secrets from the ServiceMonitor's namespace"), otherNs);
    }

    @Test
    void noServiceMonitorByDefault() {
        assertTrue(render(set()).all(GenericKubernetesResource.class).isEmpty(), "every default object has a typed model");
    }

    @Test
    void extraManifestsAreRenderedThroughTpl() {
        Rendered r = renderYaml("""
                extraManifests:
                  - apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: "{{ .Release.Name }}-extra"
                    data:
                      headless: "{{ include \\"arcadedb.fullname\\" . }}"
                  - |
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: {{ .Release.Name }}-from-string
                    data:
                      namespace: {{ .Release.Namespace }}
                """);
        assertEquals("test-arcadedb", r.get(ConfigMap.class, "test-arcadedb-extra").getData().get("headless"));
        assertEquals("default", r.get(ConfigMap.class, "test-arcadedb-from-string").getData().get("namespace"));
        assertFalse(render(set()).has(ConfigMap.class));
    }

    @Test
    void servicePortNamesMatchTheContainerPorts() {
        Rendered r = render(set());
        List<String> containerPorts = r.container().getPorts().stream().map(p -> p.getName()).toList();
        for (Service s : r.all(Service.class)) {
            for (ServicePort p : s.getSpec().getPorts()) {
                assertTrue(containerPorts.contains(p.getTargetPort().getStrVal()), p.getName());
            }
        }
    }
}
