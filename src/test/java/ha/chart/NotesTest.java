package ha.chart;

import ha.support.chart.ChartFixture;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static ha.support.chart.ChartFixture.notes;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                () -> assertTrue(n.contains("ci/integration-test.sh --release orders-arcadedb --namespace prod"), n),
                () -> assertTrue(n.contains("jbang arcadedb-ha@. --release orders-arcadedb --namespace prod"), n),
                () -> assertTrue(n.contains("5. Prove the deployment works"), n),
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
        assertTrue(n.contains("4. Prove the deployment works"), n);
        assertTrue(n.contains("jbang arcadedb-ha@. --release test-arcadedb --namespace default"), n);
        assertTrue(n.contains("ci/integration-test.sh --release test-arcadedb --namespace default"), n);
        assertTrue(n.contains("Inside the cluster: http://test-arcadedb-http.default.svc.cluster.local:2480"), n);
        assertTrue(n.contains("WARNING: persistence is disabled. The single server keeps its databases and users in an emptyDir"), n);
        String kept = notes(set("replicaCount", "1", "persistence.enabled", "true"));
        assertFalse(kept.contains("persistence is disabled"), kept);
    }

    /** The chart runs the server in production mode, where ArcadeDB serves no Studio: NOTES say so and how to turn it on. */
    @Test
    void notesSayWhetherStudioIsServedAndHowToTurnItOn() {
        String off = notes(set());
        assertTrue(off.contains("Reach the cluster (HTTP API)"), off);
        assertFalse(off.contains("HTTP API and Studio"), off);
        assertTrue(off.contains("Studio (the web UI) is disabled: the server runs in production mode (server.mode)"), off);
        assertTrue(off.contains("--set-string 'extraSettings.arcadedb\\.studio\\.enabled=true'"), off);
        for (var on : java.util.List.of(set("extraSettings.arcadedb\\.studio\\.enabled", "true"), set("server.mode", "development"))) {
            String n = notes(on);
            assertTrue(n.contains("Studio (the web UI): http://localhost:2480/ after the port-forward."), on + ":\n" + n);
            assertFalse(n.contains("Studio (the web UI) is disabled"), n);
        }
    }

    /** Applications go through the client Service, with a user of their own (the command was run on a real 26.8.1 server). */
    @Test
    void notesSendApplicationsThroughTheClientServiceWithAUserOfTheirOwn() {
        String n = notes("orders-arcadedb", "prod", set("replicaCount", "3"));
        assertTrue(n.contains("3. Applications connect through the client Service, http://orders-arcadedb-http.prod.svc.cluster.local:2480, not to a pod:"), n);
        assertTrue(n.contains("docs/upstream-findings.md"), n);
        assertTrue(n.contains("-d '{\"command\":\"create user {\\\"name\\\":\\\"my-app\\\",\\\"password\\\":\\\"<app password>\\\","
                + "\\\"databases\\\":{\\\"<database>\\\":[\\\"admin\\\"]}}\"}'"), n);
        assertTrue(n.contains("https://docs.arcadedb.com"), n);
    }

    @Test
    void notesListIngressHosts() {
        String n = notes(set("ingress.enabled", "true", "ingress.hosts[0].host", "db.example.org", "ingress.tls[0].secretName", "t"));
        assertTrue(n.contains("Ingress: https://db.example.org"), n);
    }
}
