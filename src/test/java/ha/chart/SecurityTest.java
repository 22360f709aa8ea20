package ha.chart;

import ha.support.chart.ChartFixture;

import ha.support.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.renderYaml;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Security contexts, the ServiceAccount and the NetworkPolicy. */
@DisplayName("Security defaults and NetworkPolicy")
class SecurityTest {

    @Test
    void podRunsAsNonRootWithRuntimeDefaultSeccomp() {
        PodSecurityContext p = render(set()).pod().getSecurityContext();
        assertAll(
                () -> assertTrue(p.getRunAsNonRoot()),
                () -> assertEquals(1000L, p.getRunAsUser()),
                () -> assertEquals(1000L, p.getRunAsGroup()),
                () -> assertEquals(1000L, p.getFsGroup()),
                () -> assertEquals("OnRootMismatch", p.getFsGroupChangePolicy()),
                () -> assertEquals("RuntimeDefault", p.getSeccompProfile().getType()));
    }

    @Test
    void containerDropsEverythingAndCannotEscalate() {
        SecurityContext c = render(set()).container().getSecurityContext();
        assertAll(
                () -> assertTrue(c.getRunAsNonRoot()),
                () -> assertEquals(1000L, c.getRunAsUser()),
                () -> assertEquals(1000L, c.getRunAsGroup()),
                () -> assertFalse(c.getAllowPrivilegeEscalation()),
                () -> assertFalse(c.getPrivileged()),
                () -> assertTrue(c.getReadOnlyRootFilesystem()),
                () -> assertEquals(List.of("ALL"), c.getCapabilities().getDrop()),
                () -> assertTrue(c.getCapabilities().getAdd() == null || c.getCapabilities().getAdd().isEmpty()),
                () -> assertEquals("RuntimeDefault", c.getSeccompProfile().getType()));
    }

    @Test
    void securityContextsAreValues() {
        Rendered r = render(set("podSecurityContext.runAsUser", "2000", "podSecurityContext.fsGroup", "3000",
                "containerSecurityContext.runAsUser", "2000", "podSecurityContext.seccompProfile.type", "Localhost",
                "podSecurityContext.runAsGroup", "2001", "containerSecurityContext.runAsGroup", "2001",
                "podSecurityContext.fsGroupChangePolicy", "Always"));
        assertEquals(2000L, r.pod().getSecurityContext().getRunAsUser());
        assertEquals(2001L, r.pod().getSecurityContext().getRunAsGroup());
        assertEquals(3000L, r.pod().getSecurityContext().getFsGroup());
        assertEquals("Always", r.pod().getSecurityContext().getFsGroupChangePolicy());
        assertEquals("Localhost", r.pod().getSecurityContext().getSeccompProfile().getType());
        assertEquals(2000L, r.container().getSecurityContext().getRunAsUser());
        assertEquals(2001L, r.container().getSecurityContext().getRunAsGroup());
    }

    @Test
    void serviceAccountDoesNotMountItsToken() {
        Rendered r = render(set());
        ServiceAccount sa = r.one(ServiceAccount.class);
        assertEquals("test-arcadedb", sa.getMetadata().getName());
        assertFalse(sa.getAutomountServiceAccountToken());
        assertEquals("test-arcadedb", r.pod().getServiceAccountName());
        assertFalse(r.pod().getAutomountServiceAccountToken(), "also off on the pod");
        assertFalse(r.pod().getEnableServiceLinks(), "no service-link environment variables");
    }

    @Test
    void serviceAccountNameAnnotationsAndAutomountAreValues() {
        Rendered r = render(set("serviceAccount.name", "db-runner", "serviceAccount.annotations.iam\\.example\\.org/role", "db",
                "serviceAccount.automountServiceAccountToken", "true"));
        ServiceAccount sa = r.one(ServiceAccount.class);
        assertEquals("db-runner", sa.getMetadata().getName());
        assertEquals("db", sa.getMetadata().getAnnotations().get("iam.example.org/role"));
        assertTrue(sa.getAutomountServiceAccountToken());
        assertEquals("db-runner", r.pod().getServiceAccountName());
        assertTrue(r.pod().getAutomountServiceAccountToken());
    }

    @Test
    void withoutCreatingAServiceAccountThePodUsesTheNamedOneOrDefault() {
        Rendered unnamed = render(set("serviceAccount.create", "false"));
        assertFalse(unnamed.has(ServiceAccount.class));
        assertEquals("default", unnamed.pod().getServiceAccountName());
        assertEquals("shared", render(set("serviceAccount.create", "false", "serviceAccount.name", "shared")).pod().getServiceAccountName());
    }

    @Test
    void noNetworkPolicyByDefault() {
        assertFalse(render(set()).has(NetworkPolicy.class));
    }

    private static List<String> portNames(NetworkPolicyIngressRule rule) {
        return rule.getPorts().stream().map(NetworkPolicyPort::getPort).map(p -> p.getStrVal()).toList();
    }

    @Test
    void networkPolicyAdmitsRaftOnlyFromTheReleaseAndHttpFromEveryoneByDefault() {
        Rendered r = render(set("networkPolicy.enabled", "true"));
        NetworkPolicy np = r.one(NetworkPolicy.class);
        Map<String, String> selector = r.statefulSet().getSpec().getSelector().getMatchLabels();
        assertEquals(selector, np.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress"), np.getSpec().getPolicyTypes());
        List<NetworkPolicyIngressRule> rules = np.getSpec().getIngress();
        assertEquals(2, rules.size());
        NetworkPolicyIngressRule raft = rules.get(0);
        assertEquals(List.of("raft"), portNames(raft));
        assertEquals(1, raft.getFrom().size());
        NetworkPolicyPeer peer = raft.getFrom().get(0);
        assertEquals(selector, peer.getPodSelector().getMatchLabels(), "only this release's pods");
        assertNull(peer.getNamespaceSelector(), "same namespace only");
        assertNull(peer.getIpBlock());
        NetworkPolicyIngressRule http = rules.get(1);
        assertEquals(List.of("http"), portNames(http));
        assertTrue(http.getFrom() == null || http.getFrom().isEmpty(), "every source");
        rules.stream().filter(rule -> !rule.equals(raft)).forEach(rule -> assertFalse(portNames(rule).contains("raft")));
    }

    @Test
    void networkPolicyRestrictsHttpToConfiguredSourcesPlusTheReleaseItself() {
        Rendered r = renderYaml("""
                networkPolicy:
                  enabled: true
                  http:
                    from:
                      - namespaceSelector:
                          matchLabels: {kubernetes.io/metadata.name: apps}
                      - ipBlock: {cidr: 10.0.0.0/8}
                  extraIngress:
                    - from: [{podSelector: {matchLabels: {app: backup}}}]
                      ports: [{port: 9999, protocol: TCP}]
                service:
                  extraPorts:
                    - {name: postgres, port: 5432}
                """);
        NetworkPolicy np = r.one(NetworkPolicy.class);
        List<NetworkPolicyIngressRule> rules = np.getSpec().getIngress();
        assertEquals(3, rules.size());
        NetworkPolicyIngressRule http = rules.get(1);
        assertEquals(List.of("http", "postgres"), portNames(http));
        List<NetworkPolicyPeer> from = http.getFrom();
        assertEquals(3, from.size());
        assertEquals(r.statefulSet().getSpec().getSelector().getMatchLabels(), from.get(0).getPodSelector().getMatchLabels(),
                "members keep reaching each other over HTTP (forwarding, snapshots)");
        assertEquals("apps", from.get(1).getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
        assertEquals("10.0.0.0/8", from.get(2).getIpBlock().getCidr());
        assertEquals(9999, rules.get(2).getPorts().get(0).getPort().getIntVal());
        assertEquals("backup", rules.get(2).getFrom().get(0).getPodSelector().getMatchLabels().get("app"));
    }
}
