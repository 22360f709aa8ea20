package ha.support.pods;

import ha.core.Procs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The kubelet's part for one pod: creates its volumes, runs its init containers one after the other and
 * then its container as real processes, probes it as the spec says, restarts a container that exits or
 * fails its liveness probe, and stops it on delete (SIGTERM, the grace period, then SIGKILL).
 */
final class PodRunner {
    /** What the runner needs from the fixture. */
    interface Context {
        PodRewrites.Setup setup();

        PodPorts portsOf(String pod);

        /** The hosts file the pod's JVMs resolve names with (by default the one of {@link #setup()}). */
        default Path hostsFileOf(String pod) {
            return setup().hostsFile();
        }

        /** The ports of the pod a DNS name belongs to, or null when the name is no pod. */
        PodPorts portsOfHost(String host);

        Secret secret(String name);

        ConfigMap configMap(String name);

        Path claimDir(String claimName);

        ScheduledExecutorService executor();

        /** One line for the fixture's story (what a failed test prints). */
        void event(String line);
    }

    private static final long RESTART_BACKOFF_SECONDS = 10;

    private final Pod pod;
    private final String name;
    private final Context ctx;
    private final Path dir;
    private final PodPorts ports;
    private final PodFiles files;
    private final List<ScheduledFuture<?>> probes = new ArrayList<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile Process process;
    private volatile Path currentLog;
    private volatile Path previousLog;
    private volatile Path initLog;
    private volatile String waitingReason = "ContainerCreating";
    private volatile String waitingMessage;
    private volatile boolean initializing = true;
    private volatile boolean started;
    private volatile boolean ready;
    private volatile boolean terminating;
    private volatile int restarts;
    private volatile Integer lastExitCode;
    private volatile Instant startedAt;
    private volatile int logSerial;

    PodRunner(Pod pod, Context ctx, Path podsDir) {
        this.pod = pod;
        this.name = pod.getMetadata().getName();
        this.ctx = ctx;
        this.dir = podsDir.resolve(name + "-" + pod.getMetadata().getUid());
        this.ports = ctx.portsOf(name);
        PodSecurityContext psc = pod.getSpec().getSecurityContext();
        Container main = pod.getSpec().getContainers().get(0);
        SecurityContext sc = main.getSecurityContext();
        Long uid = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : psc == null ? null : psc.getRunAsUser();
        Long gid = sc != null && sc.getRunAsGroup() != null ? sc.getRunAsGroup() : psc == null ? null : psc.getRunAsGroup();
        this.files = new PodFiles(dir, ctx::claimDir, ctx::secret, ctx::configMap, ctx.setup().installation(),
                new PodFiles.Ownership(uid, gid, psc == null ? null : psc.getFsGroup(), ctx.setup().asRoot()));
    }

    String name() {
        return name;
    }

    String uid() {
        return pod.getMetadata().getUid();
    }

    Pod pod() {
        return pod;
    }

    boolean ready() {
        return ready && !terminating;
    }

    /** Creates the volumes and starts the first init container (or the container). */
    void start() {
        ctx.executor().execute(() -> {
            try {
                Files.createDirectories(dir.resolve("logs"));
                PodFiles.chmod(dir, 0755);
                files.createVolumes(pod);
            } catch (IOException | RuntimeException e) {
                waitingReason = "CreateContainerConfigError";
                waitingMessage = e.getMessage();
                if (!terminating) {
                    ctx.executor().schedule(this::start, 2, TimeUnit.SECONDS);
                } else {
                    stopped.complete(null);
                }
                return;
            }
            runInit(0);
        });
    }

    private void runInit(int index) {
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        if (terminating) {
            stopped.complete(null);
            return;
        }
        if (index >= inits.size()) {
            initializing = false;
            runMain();
            return;
        }
        Container init = inits.get(index);
        Process p = launch(init);
        if (p == null) {
            return;
        }
        p.onExit().thenRun(() -> {
            if (terminating) {
                stopped.complete(null);
            } else if (p.exitValue() == 0) {
                runInit(index + 1);
            } else {
                waitingReason = "Init:Error";
                waitingMessage = "init container " + init.getName() + " exited with " + p.exitValue();
                ctx.event("pod " + name + ": " + waitingMessage + "; its log ends: " + String.join(" | ", tail(initLog, 3)));
                restarts++;
                ctx.executor().schedule(() -> runInit(index), RESTART_BACKOFF_SECONDS, TimeUnit.SECONDS);
            }
        });
    }

    private void runMain() {
        Container main = pod.getSpec().getContainers().get(0);
        if (pod.getSpec().getContainers().size() > 1) {
            waitingReason = "CreateContainerConfigError";
            waitingMessage = "the fixture runs one container per pod; the pod has " + pod.getSpec().getContainers().size();
            stopped.complete(null);
            return;
        }
        Process p = launch(main);
        if (p == null) {
            return;
        }
        startedAt = Instant.now();
        waitingReason = null;
        started = main.getStartupProbe() == null;
        ready = false;
        scheduleProbes(main);
        p.onExit().thenRun(() -> {
            cancelProbes();
            ready = false;
            lastExitCode = p.exitValue();
            if (terminating) {
                stopped.complete(null);
                return;
            }
            waitingReason = "CrashLoopBackOff";
            waitingMessage = "container " + main.getName() + " exited with " + p.exitValue();
            ctx.event("pod " + name + ": " + waitingMessage + "; its log ends: " + String.join(" | ", tail(currentLog, 3)));
            restarts++;
            ctx.executor().schedule(() -> {
                if (terminating) {
                    stopped.complete(null);
                } else {
                    runMain();
                }
            }, RESTART_BACKOFF_SECONDS, TimeUnit.SECONDS);
        });
    }

    /** Starts one container's process; null (and the pod marked) when its spec cannot be run. */
    private Process launch(Container c) {
        try {
            Launch l = launchOf(c);
            Path log = dir.resolve("logs").resolve(c.getName() + "-" + (logSerial++) + ".log");
            boolean main = c == pod.getSpec().getContainers().get(0);
            ProcessBuilder pb = new ProcessBuilder(l.command()).directory(l.workingDir().toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(l.env());
            Files.writeString(dir.resolve("logs").resolve(c.getName() + ".command"), String.join("\n", l.command()) + "\n");
            Process p = pb.start();
            Procs.track(p);
            process = p;
            if (main) {
                previousLog = currentLog;
                currentLog = log;
            } else {
                initLog = log;
            }
            return p;
        } catch (IOException | RuntimeException e) {
            waitingReason = "CreateContainerConfigError";
            waitingMessage = c.getName() + ": " + e.getMessage();
            if (!terminating) {
                ctx.executor().schedule(() -> {
                    if (initializing) {
                        start();
                    } else {
                        runMain();
                    }
                }, 2, TimeUnit.SECONDS);
            } else {
                stopped.complete(null);
            }
            return null;
        }
    }

    /** A container's process as it is started here: the spec after {@link PodRewrites}. */
    record Launch(List<String> command, Map<String, String> env, Path workingDir) {
    }

    Launch launchOf(Container c) {
        Path fs = files.containerFs(c, c.getSecurityContext() != null && Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem()));
        PodRewrites.ForContainer rw = new PodRewrites.ForContainer(ctx.setup().withHostsFile(ctx.hostsFileOf(name)), fs, ports,
                ctx::portsOfHost, files.mountTargets(c));
        Map<String, String> defined = specEnv(c);
        Map<String, String> env = new LinkedHashMap<>(ImageDefaults.env());
        env.put("HOSTNAME", name);
        env.putAll(defined);
        Map<String, String> rewritten = new LinkedHashMap<>();
        env.forEach((k, v) -> rewritten.put(k, rw.envValue(k, v)));
        if (c.getCommand() == null || c.getCommand().isEmpty()) {
            throw new IllegalStateException("container " + c.getName() + " has no command; the fixture does not model the image's entrypoint");
        }
        List<String> words = new ArrayList<>();
        c.getCommand().forEach(w -> words.add(Expansion.expand(w, defined)));
        if (c.getArgs() != null) {
            c.getArgs().forEach(w -> words.add(Expansion.expand(w, defined)));
        }
        PodSecurityContext psc = pod.getSpec().getSecurityContext();
        SecurityContext sc = c.getSecurityContext();
        Long uid = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : psc == null ? null : psc.getRunAsUser();
        Long gid = sc != null && sc.getRunAsGroup() != null ? sc.getRunAsGroup() : psc == null ? null : psc.getRunAsGroup();
        List<Long> groups = psc == null || psc.getSupplementalGroups() == null ? List.of() : psc.getSupplementalGroups();
        List<String> command = rw.command(words, uid, gid, psc == null ? null : psc.getFsGroup(), groups);
        String wd = c.getWorkingDir() == null ? "/" : c.getWorkingDir();
        Path workingDir = wd.equals("/") ? fs : Path.of(rw.text(wd));
        return new Launch(command, rw.env(rewritten), workingDir);
    }

    /** The container's env as Kubernetes defines it (envFrom, then env in order, with $(VAR) of earlier entries). */
    private Map<String, String> specEnv(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnvFrom() != null) {
            for (EnvFromSource from : c.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                Map<String, byte[]> data;
                if (from.getSecretRef() != null) {
                    Secret s = ctx.secret(from.getSecretRef().getName());
                    data = s == null ? optional(from.getSecretRef().getOptional(), "secret " + from.getSecretRef().getName()) : PodFiles.secretData(s);
                } else {
                    ConfigMap cm = ctx.configMap(from.getConfigMapRef().getName());
                    data = cm == null ? optional(from.getConfigMapRef().getOptional(), "configmap " + from.getConfigMapRef().getName()) : PodFiles.configMapData(cm);
                }
                data.forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar e : c.getEnv()) {
                String value = e.getValueFrom() != null ? valueFrom(e.getName(), e.getValueFrom()) : Expansion.expand(e.getValue() == null ? "" : e.getValue(), env);
                if (value != null) {
                    env.put(e.getName(), value);
                }
            }
        }
        return env;
    }

    private static Map<String, byte[]> optional(Boolean optional, String what) {
        if (Boolean.TRUE.equals(optional)) {
            return Map.of();
        }
        throw new IllegalStateException(what + " not found");
    }

    private String valueFrom(String envName, EnvVarSource from) {
        if (from.getFieldRef() != null) {
            String path = from.getFieldRef().getFieldPath();
            return switch (path) {
                case "metadata.name" -> name;
                case "metadata.namespace" -> pod.getMetadata().getNamespace();
                case "metadata.uid" -> pod.getMetadata().getUid();
                case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
                case "spec.nodeName" -> "fixture";
                case "status.podIP", "status.hostIP" -> "127.0.0.1";
                default -> fieldOfMap(path);
            };
        }
        if (from.getSecretKeyRef() != null) {
            Secret s = ctx.secret(from.getSecretKeyRef().getName());
            Map<String, byte[]> data = s == null ? null : PodFiles.secretData(s);
            if (data == null || !data.containsKey(from.getSecretKeyRef().getKey())) {
                if (Boolean.TRUE.equals(from.getSecretKeyRef().getOptional())) {
                    return null;
                }
                throw new IllegalStateException("env " + envName + ": key " + from.getSecretKeyRef().getKey() + " of secret "
                        + from.getSecretKeyRef().getName() + " not found");
            }
            return new String(data.get(from.getSecretKeyRef().getKey()), StandardCharsets.UTF_8);
        }
        if (from.getConfigMapKeyRef() != null) {
            ConfigMap cm = ctx.configMap(from.getConfigMapKeyRef().getName());
            Map<String, byte[]> data = cm == null ? null : PodFiles.configMapData(cm);
            if (data == null || !data.containsKey(from.getConfigMapKeyRef().getKey())) {
                if (Boolean.TRUE.equals(from.getConfigMapKeyRef().getOptional())) {
                    return null;
                }
                throw new IllegalStateException("env " + envName + ": key " + from.getConfigMapKeyRef().getKey() + " of configmap "
                        + from.getConfigMapKeyRef().getName() + " not found");
            }
            return new String(data.get(from.getConfigMapKeyRef().getKey()), StandardCharsets.UTF_8);
        }
        throw new IllegalStateException("env " + envName + ": valueFrom " + from + " is not modelled by the fixture");
    }

    private String fieldOfMap(String path) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
        if (!m.matches()) {
            throw new IllegalStateException("fieldRef " + path + " is not modelled by the fixture");
        }
        Map<String, String> map = m.group(1).equals("labels") ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
        return map == null ? "" : map.getOrDefault(m.group(2), "");
    }

    // ---------------------------------------------------------------- probes

    private void scheduleProbes(Container c) {
        if (c.getStartupProbe() != null) {
            schedule(c, c.getStartupProbe(), ok -> {
                if (ok) {
                    started = true;
                }
            }, () -> !started, () -> restartContainer("startup probe failed"));
        }
        if (c.getReadinessProbe() != null) {
            schedule(c, c.getReadinessProbe(), ok -> ready = ok, () -> started, () -> ready = false);
        } else {
            ctx.executor().execute(() -> ready = true);
            probes.add(ctx.executor().scheduleWithFixedDelay(() -> ready = started, 100, 100, TimeUnit.MILLISECONDS));
        }
        if (c.getLivenessProbe() != null) {
            schedule(c, c.getLivenessProbe(), ok -> { }, () -> started, () -> restartContainer("liveness probe failed"));
        }
    }

    /** Runs a probe every periodSeconds once its initial delay passed, while {@code active}; thresholds as Kubernetes counts them. */
    private void schedule(Container c, Probe probe, java.util.function.Consumer<Boolean> onResult, java.util.function.BooleanSupplier active,
                          Runnable onFailureThreshold) {
        int period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
        int delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
        int failures = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
        int successes = probe.getSuccessThreshold() == null ? 1 : probe.getSuccessThreshold();
        int[] counts = new int[2];
        probes.add(ctx.executor().scheduleWithFixedDelay(() -> {
            if (!active.getAsBoolean() || terminating) {
                return;
            }
            boolean ok = probeOnce(c, probe);
            if (ok) {
                counts[1] = 0;
                if (++counts[0] >= successes) {
                    onResult.accept(true);
                }
            } else {
                counts[0] = 0;
                if (++counts[1] >= failures) {
                    counts[1] = 0;
                    onResult.accept(false);
                    onFailureThreshold.run();
                }
            }
        }, delay * 1000L, period * 1000L, TimeUnit.MILLISECONDS));
    }

    private boolean probeOnce(Container c, Probe probe) {
        int timeout = 1000 * (probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
        try {
            if (probe.getHttpGet() != null) {
                if (probe.getHttpGet().getScheme() != null && !"HTTP".equals(probe.getHttpGet().getScheme())) {
                    throw new IllegalStateException("probe scheme " + probe.getHttpGet().getScheme() + " is not modelled");
                }
                int port = localPort(c, probe.getHttpGet().getPort());
                HttpURLConnection conn = (HttpURLConnection) URI.create("http://127.0.0.1:" + port
                        + (probe.getHttpGet().getPath() == null ? "/" : probe.getHttpGet().getPath())).toURL().openConnection();
                conn.setConnectTimeout(timeout);
                conn.setReadTimeout(timeout);
                try {
                    int status = conn.getResponseCode();
                    return status >= 200 && status < 400;
                } finally {
                    conn.disconnect();
                }
            }
            if (probe.getTcpSocket() != null) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", localPort(c, probe.getTcpSocket().getPort())), timeout);
                    return true;
                }
            }
            throw new IllegalStateException("probe " + probe + " is of a kind the fixture does not model");
        } catch (IOException e) {
            return false;
        }
    }

    private int localPort(Container c, IntOrString port) {
        if (port.getStrVal() != null) {
            int local = ports.byName(port.getStrVal());
            if (local < 0) {
                throw new IllegalStateException("probe port " + port.getStrVal() + " is not one of the pod's http/https/raft ports");
            }
            return local;
        }
        return localPort(port.getIntVal());
    }

    /** The local port standing for one of the container's ports, or -1 when the container is not running. */
    int localPort(int containerPort) {
        Process p = process;
        if (p == null || !p.isAlive() || initializing) {
            return -1;
        }
        for (ContainerPort cp : pod.getSpec().getContainers().get(0).getPorts()) {
            if (cp.getContainerPort() == containerPort) {
                return ports.byName(cp.getName());
            }
        }
        return -1;
    }

    private void restartContainer(String why) {
        Process p = process;
        if (p == null || terminating) {
            return;
        }
        waitingMessage = why;
        long grace = grace(null);
        p.destroy();
        ctx.executor().schedule(() -> Procs.killTree(p), grace, TimeUnit.SECONDS);
    }

    private void cancelProbes() {
        probes.forEach(f -> f.cancel(false));
        probes.clear();
    }

    // ---------------------------------------------------------------- stopping

    long grace(Long requested) {
        if (requested != null) {
            return requested;
        }
        Long spec = pod.getSpec().getTerminationGracePeriodSeconds();
        return spec == null ? 30 : spec;
    }

    boolean terminating() {
        return terminating;
    }

    /** SIGTERM now, SIGKILL after {@code graceSeconds} (at once for 0); completes when the pod's processes are gone. */
    CompletableFuture<Void> terminate(long graceSeconds) {
        terminating = true;
        ready = false;
        cancelProbes();
        Process p = process;
        if (p == null || !p.isAlive()) {
            stopped.complete(null);
            return stopped;
        }
        if (graceSeconds <= 0) {
            Procs.killTree(p);
        } else {
            p.destroy();
            ctx.executor().schedule(() -> {
                if (p.isAlive()) {
                    Procs.killTree(p);
                }
            }, graceSeconds, TimeUnit.SECONDS);
        }
        p.onExit().thenRun(() -> stopped.complete(null));
        return stopped;
    }

    CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** The current container's output, or (previous) its last terminated container's; null when there is none. */
    String log(boolean previous) {
        Path log = previous ? previousLog : currentLog;
        if (log == null) {
            return previous ? null : "";
        }
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    private static List<String> tail(Path log, int n) {
        try {
            List<String> lines = log == null ? List.of() : Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of("(log unreadable: " + e.getMessage() + ")");
        }
    }

    /**
     * Sends the container's process and everything it started {@code signal} ("STOP", "CONT"), as {@code kill} on the
     * kind node does to a container's process (the pause fault); children first for STOP, the process first for CONT.
     */
    void signal(String signal) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(p.pid())));
        p.descendants().forEach(d -> command.add(String.valueOf(d.pid())));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                ctx.event("pod " + name + ": " + String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (IOException e) {
            ctx.event("pod " + name + ": cannot run kill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pod's status as the kubelet reports it. */
    PodStatus status() {
        Container main = pod.getSpec().getContainers().get(0);
        Process p = process;
        boolean running = p != null && p.isAlive() && !initializing;
        ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(main.getName()).withImage(main.getImage())
                .withReady(ready()).withStarted(running && started).withRestartCount(restarts);
        if (running) {
            cs.withContainerID("containerd://" + ha.support.kube.MockKube.containerId(ordinalOf(name)));
            cs.withNewState().withNewRunning().withStartedAt(String.valueOf(startedAt)).endRunning().endState();
        } else if (lastExitCode != null && waitingReason == null) {
            cs.withNewState().withNewTerminated().withExitCode(lastExitCode).endTerminated().endState();
        } else {
            cs.withNewState().withNewWaiting().withReason(waitingReason).withMessage(waitingMessage).endWaiting().endState();
        }
        if (lastExitCode != null) {
            cs.withNewLastState().withNewTerminated().withExitCode(lastExitCode).endTerminated().endLastState();
        }
        ContainerStatus status = cs.build();
        String phase = initializing ? "Pending" : "Running";
        return new PodStatusBuilder().withPhase(phase).withPodIP("127.0.0.1").withHostIP("127.0.0.1")
                .addNewCondition().withType("Initialized").withStatus(initializing ? "False" : "True").endCondition()
                .addNewCondition().withType("ContainersReady").withStatus(ready() ? "True" : "False").endCondition()
                .addNewCondition().withType("Ready").withStatus(ready() ? "True" : "False").endCondition()
                .withContainerStatuses(status).build();
    }

    private static int ordinalOf(String podName) {
        int dash = podName.lastIndexOf('-');
        return Integer.parseInt(podName.substring(dash + 1));
    }

    static Function<Pod, String> describe() {
        return p -> p.getMetadata().getName();
    }
}
