package ha.run;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
import ha.support.kube.KubeSim;
import ha.scripts.ArcadedbHa;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failing run leaves the evidence and the reports in the report dir; a wrong password ends the run with exit 1. */
class FailureEvidenceTest {
    @TempDir
    Path reports;

    @AfterEach
    void restore() {
        System.clearProperty("kubeconfig");
        ha.core.Log.redirect(System.out, System.err);
    }

    private int driver(KubeSim cluster, ByteArrayOutputStream out, String... args) {
        System.setProperty("kubeconfig", cluster.kube().kubeconfig().toString());
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        ha.core.Log.redirect(ps, ps);
        return Cli.execute(new ArcadedbHa(), args);
    }

    @Test
    void aFailedPhaseLeavesPerPodEvidenceAndReports() throws Exception {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.sim().faults().disagreeOnLeader(1, true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = driver(cluster, out, "--phases", "health,quorum,write", "--timeout", "2s", "--report-dir", reports.toString());
            assertEquals(1, exit, out.toString(StandardCharsets.UTF_8));
            for (String file : new String[] {"summary.txt", "report.json", "junit.xml", "diagnostics/events.txt",
                    "diagnostics/statefulset.yaml", "diagnostics/persistentvolumeclaims.yaml", "diagnostics/helm-values.yaml"}) {
                assertTrue(Files.exists(reports.resolve(file)), file);
            }
            for (int pod = 0; pod < 3; pod++) {
                Path dir = reports.resolve("diagnostics/nodes/test-arcadedb-" + pod);
                for (String file : new String[] {"cluster.json", "server.json", "pod.yaml", "log.txt", "previous-log.txt"}) {
                    assertTrue(Files.exists(dir.resolve(file)), dir.resolve(file).toString());
                }
                assertTrue(Files.readString(dir.resolve("cluster.json")).contains("\"leaderId\""), "the node's own view");
            }
            assertTrue(Files.readString(reports.resolve("diagnostics/nodes/test-arcadedb-0/log.txt")).contains("Leader elected"),
                    "server log of the pod");
            String summary = Files.readString(reports.resolve("summary.txt"));
            assertTrue(summary.contains("Failed phase: quorum (2 of 3"), summary);
            assertTrue(summary.contains("diagnostics/nodes/<node>/cluster.json"), summary);
            assertTrue(summary.contains("diagnostics/events.txt") && summary.contains("pod YAML, StatefulSet"),
                    "a Kubernetes run's Open first names its events and objects, which it wrote: " + summary);
            assertTrue(!summary.contains("processes.txt") && !summary.contains("node-logs/"), "nothing of a local run: " + summary);
            JsonNode report = Json.read(Files.readString(reports.resolve("report.json")));
            assertEquals("skipped", report.path("phases").get(2).path("status").asText());
            assertEquals("diagnostics/", report.path("diagnostics").asText());
        }
    }

    @Test
    void aWrongPasswordEndsTheRunWithExitOneAndOneClearLine() throws Exception {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.kube().client().secrets().withName("test-arcadedb-credentials").edit(s -> {
                s.getData().put("rootPassword", Base64.getEncoder().encodeToString("wrong-password-123".getBytes(StandardCharsets.UTF_8)));
                return s;
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = driver(cluster, out, "--phases", "quorum", "--report-dir", reports.toString(), "--collect", "never");
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(1, exit, text);
            long lines = text.lines().filter(l -> l.contains("rejected the root password (403 Security error)")).count();
            assertTrue(lines >= 1, text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("[1/1] quorum FAILED") && l.contains("rejected the root password")), text);
        }
    }
}
