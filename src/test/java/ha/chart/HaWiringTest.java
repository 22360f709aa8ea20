package ha.chart;

import ha.support.chart.ChartFixture;

import ha.support.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static ha.support.chart.ChartFixture.expectedFullname;
import static ha.support.chart.ChartFixture.failure;
import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names, labels and the Raft wiring for every replica count, release name, namespace and cluster domain. */
@DisplayName("HA wiring: names, server list, k8s mode, PDB")
class HaWiringTest {

    /** replicaCount 1, 3, 5, 7 x release with/without "arcadedb" x (namespace, cluster domain). */
    static Stream<Arguments> topologies() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (int n : new int[] {1, 3, 5, 7}) {
            for (String release : List.of("test-arcadedb", "graphs")) {
                cases.add(Arguments.of(n, release, "default", "cluster.local"));
                cases.add(Arguments.of(n, release, "prod-data", "k8s.example.org"));
            }
        }
        return cases.build();
    }

    private static Rendered topology(int n, String release, String ns, String domain) {
        return render(release, ns, set("replicaCount", String.valueOf(n), "clusterDomain", domain), null);
    }

    @ParameterizedTest(name = "{0} replicas, release {1}, {2}, {3}")
    @MethodSource("topologies")
    void objectNamesFollowTheContract(int n, String release, String ns, String domain) {
        Rendered r = topology(n, release, ns, domain);
        String fullname = expectedFullname(release);
        StatefulSet sts = r.statefulSet();
        Service headless = r.get(Service.class, fullname);
        Service client = r.get(Service.class, fullname + "-http");
        assertAll(
                () -> assertEquals(fullname, sts.getMetadata().getName()),
                () -> assertEquals(fullname, sts.getSpec().getServiceName(), "serviceName = headless Service"),
                () -> assertEquals("Parallel", sts.getSpec().getPodManagementPolicy()),
                () -> assertEquals(n, sts.getSpec().getReplicas()),
                () -> assertEquals("None", headless.getSpec().getClusterIP()),
                () -> assertTrue(headless.getSpec().getPublishNotReadyAddresses(), "peer DNS before readiness"),
                () -> assertEquals("ClusterIP", client.getSpec().getType()),
                () -> assertEquals(2, r.all(Service.class).size()),
                () -> assertEquals(fullname + "-credentials", r.secretFile("arcadedb.server.rootPasswordPath").secretName()));
        for (HasMetadata o : r.items()) {
            assertEquals(ns, o.getMetadata().getNamespace(), () -> o.getKind() + " namespace");
            assertTrue(o.getMetadata().getName().startsWith(fullname), () -> o.getKind() + " name prefix");
            assertEquals(release, o.getMetadata().getLabels().get("app.kubernetes.io/instance"));
            assertEquals("arcadedb", o.getMetadata().getLabels().get("app.kubernetes.io/name"));
        }
    }

    @ParameterizedTest(name = "{0} replicas, release {1}, {2}, {3}")
    @MethodSource("topologies")
    void selectorIsExactlyNameAndInstanceAndServicesUseIt(int n, String release, String ns, String domain) {
        Rendered r = topology(n, release, ns, domain);
        Map<String, String> selector = Map.of("app.kubernetes.io/name", "arcadedb", "app.kubernetes.io/instance", release);
        StatefulSet sts = r.statefulSet();
        assertEquals(selector, sts.getSpec().getSelector().getMatchLabels());
        var expressions = sts.getSpec().getSelector().getMatchExpressions();
        assertTrue(expressions == null || expressions.isEmpty(), "no matchExpressions");
        Map<String, String> podLabels = sts.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "pod labels carry the selector");
        for (Service s : r.all(Service.class)) {
            assertEquals(selector, s.getSpec().getSelector(), () -> s.getMetadata().getName() + " selector");
        }
    }

    @ParameterizedTest(name = "{0} replicas, release {1}, {2}, {3}")
    @MethodSource("topologies")
    void serverListHasOneEntryPerPodAtItsHeadlessDnsName(int n, String release, String ns, String domain) {
        Rendered r = topology(n, release, ns, domain);
        List<String> entries = r.serverList();
        if (n == 1) {
            assertTrue(entries.isEmpty(), "no server list without HA");
            return;
        }
        assertEquals(n, entries.size(), "one entry per replica");
        String sts = r.statefulSet().getMetadata().getName();
        String headless = r.statefulSet().getSpec().getServiceName();
        assertTrue(r.find(Service.class, headless).isPresent(), "the headless Service exists");
        for (int i = 0; i < n; i++) {
            String[] parts = entries.get(i).split(":");
            assertEquals(3, parts.length, "host:raft:http");
            String[] labels = parts[0].split("\\.", 5);
            int ordinal = i;
            assertAll("entry " + i + " = " + entries.get(i),
                    () -> assertEquals(sts + "-" + ordinal, labels[0], "pod name of ordinal " + ordinal),
                    () -> assertEquals(headless, labels[1], "headless Service"),
                    () -> assertEquals(ns, labels[2], "namespace"),
                    () -> assertEquals("svc", labels[3]),
                    () -> assertEquals(domain, labels[4], "cluster domain"),
                    () -> assertEquals("2434", parts[1], "raft port"),
                    () -> assertEquals("2480", parts[2], "http port"));
        }
        assertEquals(n, new HashSet<>(entries).size(), "entries are distinct");
    }

    @ParameterizedTest(name = "{0} replicas, release {1}, {2}, {3}")
    @MethodSource("topologies")
    void haSettingsAreOnExactlyWhenThereIsMoreThanOneReplica(int n, String release, String ns, String domain) {
        Rendered r = topology(n, release, ns, domain);
        Map<String, String> s = r.settings();
        String fullname = expectedFullname(release);
        assertEquals("$(HOSTNAME)", s.get("arcadedb.server.name"), "server name = pod name");
        EnvVar hostname = r.env("HOSTNAME").orElseThrow();
        assertEquals("metadata.name", hostname.getValueFrom().getFieldRef().getFieldPath());
        if (n == 1) {
            assertTrue(s.keySet().stream().noneMatch(k -> k.startsWith("arcadedb.ha.")), "HA off: " + s.keySet());
            return;
        }
        assertAll(
                () -> assertEquals("true", s.get("arcadedb.ha.enabled")),
                () -> assertEquals("true", s.get("arcadedb.ha.k8s")),
                () -> assertEquals("." + fullname + "." + ns + ".svc." + domain, s.get("arcadedb.ha.k8sSuffix")),
                () -> assertEquals("2434", s.get("arcadedb.ha.raftPort")),
                () -> assertEquals("arcadedb", s.get("arcadedb.ha.clusterName")),
                () -> assertEquals("/home/arcadedb/raft", s.get("arcadedb.ha.raftStorageDirectory")),
                () -> assertEquals(fullname + "-credentials", r.secretFile("arcadedb.ha.clusterTokenPath").secretName(),
                        "every member reads the same token"));
        for (int i = 0; i < n; i++) {
            String host = r.serverList().get(i).split(":")[0];
            assertEquals(fullname + "-" + i + s.get("arcadedb.ha.k8sSuffix"), host, "pod name + k8sSuffix");
        }
    }

    @ParameterizedTest(name = "{0} replicas, release {1}, {2}, {3}")
    @MethodSource("topologies")
    void disruptionBudgetKeepsAMajority(int n, String release, String ns, String domain) {
        Rendered r = topology(n, release, ns, domain);
        if (n == 1) {
            assertFalse(r.has(PodDisruptionBudget.class), "no budget for a single non-HA pod");
            return;
        }
        PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);
        int minAvailable = pdb.getSpec().getMinAvailable().getIntVal();
        assertAll(
                () -> assertEquals(n / 2 + 1, minAvailable, "quorum"),
                () -> assertEquals((n - 1) / 2, n - minAvailable, "at most floor((n-1)/2) pods disrupted"),
                () -> assertNull(pdb.getSpec().getMaxUnavailable()),
                () -> assertEquals(r.statefulSet().getSpec().getSelector().getMatchLabels(),
                        pdb.getSpec().getSelector().getMatchLabels()));
    }

    @Test
    void forcedHaOnASingleReplicaListsThatPodOnly() {
        Rendered r = render(set("replicaCount", "1", "ha.forceEnabled", "true"));
        assertEquals(List.of("test-arcadedb-0.test-arcadedb.default.svc.cluster.local:2434:2480"), r.serverList());
        assertEquals("true", r.settings().get("arcadedb.ha.enabled"));
        assertEquals(1, r.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal());
    }

    @Test
    void clusterNameIsAValue() {
        assertEquals("orders", render(set("ha.clusterName", "orders")).settings().get("arcadedb.ha.clusterName"));
    }

    @Test
    void portsReachTheServerListTheContainerAndBothServices() {
        Rendered r = render(set("service.http.port", "8080", "service.raft.port", "9000"));
        Map<String, String> s = r.settings();
        assertEquals("9000", s.get("arcadedb.ha.raftPort"));
        assertEquals("8080", s.get("arcadedb.server.httpIncomingPort"));
        r.serverList().forEach(e -> assertTrue(e.endsWith(".svc.cluster.local:9000:8080"), e));
        Map<String, Integer> ports = r.container().getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        assertEquals(Map.of("http", 8080, "raft", 9000), ports);
        Map<String, Integer> headless = r.get(Service.class, "test-arcadedb").getSpec().getPorts().stream()
                .collect(Collectors.toMap(ServicePort::getName, ServicePort::getPort));
        assertEquals(Map.of("http", 8080, "raft", 9000), headless);
        List<ServicePort> client = r.get(Service.class, "test-arcadedb-http").getSpec().getPorts();
        assertEquals(1, client.size(), "the client Service has no Raft port");
        assertEquals(8080, client.get(0).getPort());
        assertEquals("http", client.get(0).getTargetPort().getStrVal());
    }

    @Test
    void defaultContainerPortsAreHttp2480AndRaft2434() {
        Container c = render(set()).container();
        assertEquals(List.of("http:2480", "raft:2434"),
                c.getPorts().stream().map(p -> p.getName() + ":" + p.getContainerPort()).toList());
    }

    @Test
    void fullnameOverrideRenamesEveryPeerAddress() {
        Rendered r = render("rel", "ns1", set("fullnameOverride", "graph"), null);
        assertEquals("graph", r.fullname());
        assertEquals("graph-2.graph.ns1.svc.cluster.local:2434:2480", r.serverList().get(2));
        assertTrue(r.find(Service.class, "graph-http").isPresent());
    }

    @Test
    void nameOverrideChangesTheNameLabelAndTheDefaultFullname() {
        Rendered r = render("rel", "default", set("nameOverride", "adb"), null);
        assertEquals("rel-adb", r.fullname());
        assertEquals("adb", r.statefulSet().getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name"));
    }

    @Test
    void aFullnameTooLongForPodNamesIsRefused() {
        String release = "a-very-long-release-name-for-the-graph-team-x"; // 45 chars, + "-arcadedb" = 54
        var r = ChartFixture.helm("default").tryTemplate(release, ChartFixture.CHART, Map.of(), List.of());
        assertFalse(r.ok());
        assertTrue(r.stderr().contains("at most 52"), r.stderr());
        assertTrue(r.stderr().contains("fullnameOverride"), r.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {".cluster.local", "cluster.local.", "Cluster_Local"})
    void aMalformedClusterDomainIsRefused(String domain) {
        String err = failure(set("clusterDomain", domain));
        assertTrue(err.contains("clusterDomain") && err.contains("not a DNS domain"), err);
    }

    @Test
    void anEmptyClusterNameIsRefused() {
        String err = failure(set("ha.clusterName", ""));
        assertTrue(err.contains("at '/ha/clusterName': minLength: got 0, want 1"), err);
    }

    @Test
    void equalHttpAndRaftPortsAreRefused() {
        String err = failure(set("service.raft.port", "2480"));
        assertTrue(err.contains("HTTP and Raft need different ports"), err);
    }

    @Test
    void anOutOfRangePortIsRefused() {
        String err = failure(set("service.http.port", "70000"));
        assertTrue(err.contains("at '/service/http/port': maximum: got 70,000, want 65,535"), err);
    }
}
