package ha.support.pods;

import ha.support.Jbang;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The driver as a real process through JBang, against the fixture's mock API server, with a deadline of its own. */
public record DriverRun(int exitCode, String stdout, String stderr, Duration took) {
    public static DriverRun of(RealPods pods, Duration limit, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = Jbang.builder(Jbang.kubeEnv(pods.kube().kubeconfig(), pods.kube().fakeBin()), "arcadedb-ha", args);
        Path out = Files.createTempFile("driver-out", ".txt");
        Path err = Files.createTempFile("driver-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("the driver did not finish within " + limit + "; it printed:\n" + Files.readString(out));
        }
        return new DriverRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    public String all() {
        return stdout + stderr;
    }
}
