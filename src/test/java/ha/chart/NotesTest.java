package ha.chart;

import static ha.chart.ChartFixture.notes;
import static ha.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What helm install prints: how to reach the cluster, find the leader and run the suite. */
@DisplayName("NOTES.txt")
class NotesTest {

    @Test
    void notesTxtIsExactlyTheNamedTemplateTheTestsRender() throws IOException {
        assertEquals("{{- include \"arcadedb.notes\" . }}",
                Files.readString(ChartFixture.CHART.resolve("templates/NOTES.txt")).strip());
    }

    @Test
    void haNotesTellHowToReachTheClusterFindTheLeaderAndRunTheSuite() {
        String n = notes("orders-arcadedb", "prod", set("replicaCount", "5", "clusterDomain", "corp.local", "ha.clusterName", "orders"));
        assertAll(
                () -> assertTrue(n.contains("release \"orders-arcadedb\" in namespace \"prod\""), n),
                () -> assertTrue(n.contains("Raft HA is on: 5 members (cluster \"orders\"), quorum 3"), n),
                () -> assertTrue(n.contains("survives the loss of 2 pod(s)"), n),
                () -> assertTrue(n.contains("kubectl get secret --namespace prod orders-arcadedb-credentials -o jsonpath='{.data.rootPassword}'"), n),
                () -> assertTrue(n.contains("kubectl port-forward --namespace prod svc/orders-arcadedb-http 2480:2480"), n),
                () -> assertTrue(n.contains("http://orders-arcadedb-http.prod.svc.corp.local:2480"), n),
                () -> assertTrue(n.contains("<pod>.orders-arcadedb.prod.svc.corp.local:2480, pods orders-arcadedb-0 .. orders-arcadedb-4"), n),
                () -> assertTrue(n.contains("/api/v1/cluster"), n),
                () -> assertTrue(n.contains("leaderId"), n),
                () -> assertTrue(n.contains("kubectl port-forward --namespace prod pod/orders-arcadedb-0"), n),
                () -> assertTrue(n.contains("ci/integration-test.sh"), n),
                () -> assertTrue(n.contains("jbang arcadedb-ha@. --release orders-arcadedb --namespace prod"), n),
                () -> assertTrue(n.contains("NOTE: persistence is disabled"), n),
                () -> assertFalse(n.contains("WARNING"), n));
    }

    @Test
    void notesFollowTheSecretKeyPortAndPersistence() {
        String n = notes(set("auth.existingSecret", "db-root", "auth.secretKey", "pw", "service.http.port", "8080",
                "persistence.enabled", "true"));
        assertTrue(n.contains("kubectl get secret --namespace default db-root -o jsonpath='{.data.pw}'"), n);
        assertTrue(n.contains("svc/test-arcadedb-http 8080:8080"), n);
        assertFalse(n.contains("persistence is disabled"), n);
    }

    @Test
    void singleServerNotesHaveNoLeaderSection() {
        String n = notes(set("replicaCount", "1"));
        assertTrue(n.contains("Raft HA is off"), n);
        assertFalse(n.contains("Find the leader"), n);
        assertTrue(n.contains("3. Prove the deployment works"), n);
        assertTrue(n.contains("jbang arcadedb-ha@. --release test-arcadedb --namespace default"), n);
    }

    @Test
    void notesListIngressHosts() {
        String n = notes(set("ingress.enabled", "true", "ingress.hosts[0].host", "db.example.org", "ingress.tls[0].secretName", "t"));
        assertTrue(n.contains("Ingress: https://db.example.org"), n);
    }
}
