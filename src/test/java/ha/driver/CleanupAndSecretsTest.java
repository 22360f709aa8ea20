package ha.driver;

import ha.support.DefaultSigint;
import ha.support.Jbang;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
import ha.core.Wait;
import ha.support.kube.KubeSim;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Ctrl-C leaves nothing behind, and the password never reaches output, artifacts or reports. */
class CleanupAndSecretsTest {
    private static final String PASSWORD = "Known-Pa55word-For-Leak-Test";

    @TempDir
    Path tmp;

    @Test
    void interruptingARunClosesEveryPortForwardAndLeavesReports() throws Exception {
        try (KubeSim cluster = KubeSim.builder().start()) {
            // node 2 names another leader: the pods are Ready, so the rollout passes, but quorum never can and the run waits
            cluster.sim().faults().disagreeOnLeader(2, true);
            ProcessBuilder pb = Jbang.builder(Jbang.kubeEnv(cluster.kube().kubeconfig(), cluster.kube().fakeBin()), "arcadedb-ha",
                    "--timeout", "5m", "--report-dir", tmp.toString());
            pb.command(DefaultSigint.wrap(pb.command()));
            Path out = tmp.resolve("stdout.txt");
            pb.redirectOutput(out.toFile()).redirectErrorStream(true);
            Process suite = pb.start();
            Wait.until("the suite to be waiting in the quorum phase with port-forwards open", Duration.ofMillis(200), Duration.ofMinutes(3),
                    () -> Files.readString(out), text -> text.contains("] quorum:") && cluster.kube().openPortForwardStreams() > 0);
            List<ProcessHandle> tree = Stream.concat(Stream.of(suite.toHandle()), suite.descendants()).toList();

            new ProcessBuilder("kill", "-INT", String.valueOf(suite.pid())).start().waitFor();

            boolean stopped = suite.waitFor(60, TimeUnit.SECONDS);
            if (!stopped) {
                String threads = jstack(suite.pid());
                tree.forEach(ProcessHandle::destroyForcibly);
                fail("the suite did not stop within 60 s of Ctrl-C; it printed:\n" + Files.readString(out) + "\nits threads:\n" + threads);
            }
            for (ProcessHandle h : tree) {
                assertFalse(h.isAlive(), "process " + h.pid() + " outlived the suite");
            }
            Wait.until("the API server to see every port-forward stream closed", Duration.ofMillis(100), Duration.ofSeconds(20),
                    () -> cluster.kube().openPortForwardStreams(), n -> n == 0);
            JsonNode report = Json.read(Files.readString(tmp.resolve("report.json")));
            assertEquals("interrupted", report.path("status").asText());
            assertTrue(report.path("aborted").asText().startsWith("interrupted"), report.toString());
            assertEquals("interrupted", report.path("phases").get(2).path("status").asText(), "quorum was running: " + report);
            assertEquals("skipped", report.path("phases").get(3).path("status").asText(), report.toString());
            assertEquals(130, suite.exitValue(), "Ctrl-C's exit code");
            assertTrue(Files.readString(out).contains("interrupted: phase quorum [3/" + new ha.scripts.ArcadedbHa().allPhases().size() + "] was running for "), Files.readString(out));
            assertTrue(Files.readString(tmp.resolve("junit.xml")).contains("errors=\"1\""), Files.readString(tmp.resolve("junit.xml")));
        }
    }

    /** The thread dump of a JVM that did not stop (jstack of this JDK), or why there is none. */
    private static String jstack(long pid) {
        try {
            Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
            Process p = new ProcessBuilder(jstack.toString(), String.valueOf(pid)).redirectErrorStream(true).start();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return dump;
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }

    @Test
    void thePasswordAppearsNowhere() throws Exception {
        try (KubeSim cluster = KubeSim.builder().password(PASSWORD).start()) {
            cluster.sim().faults().detachFollower(2, true);   // the read phase fails, so diagnostics are collected too
            Jbang.Run run = Jbang.run(Jbang.kubeEnv(cluster.kube().kubeconfig(), cluster.kube().fakeBin()), "arcadedb-ha",
                    "--phases", "quorum,write,read", "--timeout", "5s", "--verbose", "--collect", "always", "--report-dir", tmp.toString());
            assertEquals(1, run.exitCode(), run.all());
            assertTrue(Files.exists(tmp.resolve("diagnostics/nodes/test-arcadedb-0/cluster.json")), "diagnostics were written");
            List<String> forms = List.of(PASSWORD, b64(PASSWORD), b64("root:" + PASSWORD), b64(PASSWORD).replace("=", ""));
            for (String form : forms) {
                assertFalse(run.stdout().contains(form), "stdout holds a form of the password");
                assertFalse(run.stderr().contains(form), "stderr holds a form of the password");
            }
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    for (String form : forms) {
                        assertFalse(text.contains(form), f + " holds a form of the password");
                    }
                }
            }
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
