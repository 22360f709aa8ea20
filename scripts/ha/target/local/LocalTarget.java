package ha.target.local;

import ha.client.ArcadeClient;
import ha.core.Endpoint;
import ha.core.EvidenceFiles;
import ha.core.Freezer;
import ha.core.Log;
import ha.core.Node;
import ha.core.PeerIds;
import ha.core.PhaseFailure;
import ha.core.PhaseSkipped;
import ha.core.ProjectRoot;
import ha.core.Redactor;
import ha.core.ReportOptions;
import ha.core.RunLock;
import ha.core.ServerVersion;
import ha.core.SuiteException;
import ha.core.UsageException;
import ha.core.Wait;
import ha.target.ServerSetting;
import ha.target.Target;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ArcadeDB servers as processes on this machine ({@code --target local}): {@code --nodes} JVMs on
 * 127.0.0.1, each with its own HTTP, HTTPS and Raft port and its own folder under {@code --work-dir},
 * started with the settings the chart renders, adapted to loopback (reference:
 * arcadedb-local-processes.md). The root password reaches them through the environment variable
 * {@code arcadedb.server.rootPassword}, never on the command line.
 *
 * <p>Kubernetes operations map to processes: deleting a pod is {@code kill -9} and a new process with
 * the same ports (a StatefulSet replacement); deleting its volume also removes the node's data folder
 * first; scaling is described at {@link #scaleTo}; logs are each process's stdout and stderr.
 * Every process stops at {@link #close()}, and on Ctrl-C through {@link Procs}' shutdown hook.
 */
public final class LocalTarget implements Target {
    public static final String PASSWORD_ENV = "arcadedb.server.rootPassword";
    public static final String PASSWORD_OVERRIDE_ENV = "HA_ROOT_PASSWORD";
    /** JVM options ArcadeDB needs on modern JDKs, and a test-sized heap (reference: local processes). */
    public static final List<String> JVM_OPTIONS = List.of(
            "-Xms256m", "-Xmx1g",
            "--add-exports", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio.channels.spi=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED");
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long STOP_GRACE_MILLIS = 10_000;
    private static final int TAIL_LINES = 20;

    private final LocalOptions options;
    private final LocalJava java;
    private final LocalInstall install;
    private final Path workDir;
    private final Path reportDir;
    private final String password;
    private final Map<String, String> env;
    /** Every node ever started, by ordinal; those below {@link #size} should run. */
    private final List<LocalNode> all = new CopyOnWriteArrayList<>();
    private final Map<Integer, ArcadeClient> clients = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReadinessProbes probes;
    private final RunLock workLock;
    private volatile int size;
    /** Cuts between nodes (with --named-peers, root and nft), else null and {@link #noCut} says why. */
    private volatile LocalNetwork network;
    private volatile String noCut = "the local servers were started without named peers (no phase that cuts the network was selected)";

    private LocalTarget(LocalOptions options, LocalJava java, LocalInstall install, Path workDir, String password, Path reportDir,
                        RunLock workLock) {
        this.workLock = workLock;
        this.options = options;
        this.java = java;
        this.install = install;
        this.workDir = workDir;
        this.reportDir = reportDir;
        this.password = password;
        this.env = Map.of(PASSWORD_ENV, password);
        this.probes = new ReadinessProbes(options.readinessPeriod != null ? options.readinessPeriod : ReadinessProbes.PERIOD);
    }

    /**
     * Finds Java and the installation, then starts the nodes (without waiting for them: see
     * {@link #awaitRollout}). At {@link #close()} every node's log is copied into {@code reportDir}/node-logs.
     */
    public static LocalTarget start(LocalOptions options, Path reportDir, String runId) {
        return start(options, System.getenv(), reportDir, runId);
    }

    /** As {@link #start(LocalOptions, Path, String)} with the environment given (HA_ROOT_PASSWORD, ARCADEDB_HOME, JAVA_HOME…). */
    public static LocalTarget start(LocalOptions options, Map<String, String> environment, Path reportDir) {
        return start(options, environment, reportDir, new ReportOptions().runId());
    }

    /** Starts the nodes; the default work dir is named after the run id, as the default report dir is. */
    public static LocalTarget start(LocalOptions options, Map<String, String> environment, Path reportDir, String runId) {
        if (options.nodes < 1) {
            throw new UsageException("--nodes must be at least 1, saw " + options.nodes);
        }
        if (options.nodes < 3 && !options.allowSmallCluster) {
            throw new UsageException("--nodes " + options.nodes + " cannot keep a Raft majority when a node is lost (that needs 3 or more); "
                    + "pass --allow-small-cluster to run on " + options.nodes + " node" + (options.nodes == 1 ? "" : "s") + " anyway");
        }
        String password = password(environment);
        LocalPorts.checkRange(options.basePort, options.nodes);
        LocalInstall install = LocalInstall.resolve(options, environment, ProjectRoot.resolve(".tools", "arcadedb"));
        LocalJava java = LocalJava.find(options.serverJava, environment);
        Path workDir = options.workDirOrDefault(runId);
        RunLock lock = claim(workDir, runId);
        LocalTarget target;
        try {
            Path passwordFile = keepPassword(workDir, password);
            Log.step("the root password of user root is in %s (readable by you only)%s", passwordFile,
                    environment.getOrDefault(PASSWORD_OVERRIDE_ENV, "").isEmpty() ? "; it is random: set " + PASSWORD_OVERRIDE_ENV + " to choose it" : "");
            target = new LocalTarget(options, java, install, workDir, password, reportDir, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            target.launch(options.nodes);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
        return target;
    }

    /**
     * Claims the work dir for this run ({@link RunLock}). A work dir that holds the server folders of an earlier run is
     * refused with what to do: their data and logs belong to other servers (other ports, another Raft group).
     */
    private static RunLock claim(Path workDir, String runId) {
        RunLock lock = RunLock.take(workDir, "--work-dir", runId);
        List<String> left;
        try (var entries = Files.list(workDir)) {
            left = entries.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("arcadedb-"))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            lock.close();
            throw new UsageException("--work-dir " + workDir + ": cannot list it (" + e.getMessage() + ")");
        }
        if (!left.isEmpty()) {
            String earlier = lock.earlier();
            lock.close();
            throw new UsageException("--work-dir " + workDir + " holds the server folders of an earlier run ("
                    + (earlier == null ? left.get(0) + (left.size() > 1 ? " and " + (left.size() - 1) + " more" : "") + "; it ended"
                    : earlier + ", no longer running") + "); remove it (rm -rf " + workDir + ") or give this run another --work-dir or --run-id");
        }
        return lock;
    }

    /** The file in the work dir that keeps the root password (mode 0600), so a kept work dir can be logged into. */
    public static final String PASSWORD_FILE = "root-password";

    private static Path keepPassword(Path workDir, String password) {
        Path file = workDir.resolve(PASSWORD_FILE);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + System.lineSeparator(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException | UnsupportedOperationException e) {
            throw new SuiteException("cannot write the root password file " + file + ": " + e.getMessage());
        }
    }

    private static String password(Map<String, String> environment) {
        String given = environment.get(PASSWORD_OVERRIDE_ENV);
        if (given != null && !given.isEmpty()) {
            if (given.contains(":")) {
                throw new UsageException(PASSWORD_OVERRIDE_ENV + " contains ':', which the root password cannot hold (Basic auth "
                        + "splits user and password at the first ':'); choose one without ':'");
            }
            if (given.length() < 8 || given.length() > 256) {
                throw new UsageException(PASSWORD_OVERRIDE_ENV + " must be 8 to 256 characters without ':' (ArcadeDB's rule for the root "
                        + "password and Basic auth); saw " + given.length() + " characters");
            }
            Redactor.register(given);
            return given;
        }
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        Redactor.register(sb.toString());
        return sb.toString();
    }

    private void launch(int nodes) {
        size = nodes;
        for (int i = 0; i < nodes; i++) {
            nodeFor(i);
        }
        Log.step("starting %d ArcadeDB server process%s (%s, %s) in %s", nodes, nodes == 1 ? "" : "es", install, java, workDir);
        if (options.namedPeers) {
            prepareCuts(nodes);
        }
        for (int i = 0; i < nodes; i++) {
            startNode(all.get(i));
        }
    }

    /** The node of an ordinal, created (ports, folder) the first time it is asked for. */
    private synchronized LocalNode nodeFor(int ordinal) {
        while (all.size() <= ordinal) {
            int i = all.size();
            String name = "arcadedb-" + i;
            all.add(new LocalNode(i, name, LocalPorts.allocate(options.basePort, i, name), workDir.resolve(name)));
        }
        return all.get(ordinal);
    }

    // --- network cuts (the partition phase): peers by name, one loopback address per (from, to) pair ---

    private void prepareCuts(int nodes) {
        String why = LocalNetwork.unavailableReason();
        if (why != null) {
            noCut = why;
            Log.step("no network cuts on this machine: %s", why);
            return;
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            LocalPorts p = all.get(i).ports();
            ports.addAll(List.of(p.http(), p.https(), p.raft()));
        }
        network = LocalNetwork.install(ports);
        for (LocalNode n : all) {
            n.peerHost(n.name());
        }
        noCut = null;
    }

    /** Each node's hosts file, rewritten before it starts: its peers (every node so far) at their pair addresses. */
    private void writeHostsFile(LocalNode node) {
        List<String> names = all.stream().map(LocalNode::name).toList();
        try {
            Files.createDirectories(node.dir());
            Files.writeString(node.hostsFile(), LocalNetwork.hostsFile(node.ordinal(), node.name(), names));
        } catch (IOException e) {
            throw new SuiteException("cannot write the hosts file of " + node.name() + ": " + e.getMessage());
        }
    }

    @Override
    public String whyNoCut() {
        return noCut;
    }

    @Override
    public synchronized void cut(List<Node> sideA, List<Node> sideB) {
        if (network == null) {
            throw new PhaseSkipped(noCut);
        }
        network.cut(sideA.stream().map(n -> local(n).ordinal()).toList(), sideB.stream().map(n -> local(n).ordinal()).toList());
        Log.step("nft: cut %s from %s (table inet %s, %d pair addresses dropped)", names(sideA.stream().map(this::local).toList()),
                names(sideB.stream().map(this::local).toList()), network.table(), network.cutAddresses().size());
    }

    @Override
    public synchronized void healNetwork() {
        if (network != null && !network.cutAddresses().isEmpty()) {
            network.heal();
            Log.step("nft: cut lifted (table inet %s emptied)", network.table());
        }
    }

    /** The nft table of this run, or null without cuts (tests). */
    public String networkTable() {
        return network == null ? null : network.table();
    }

    private void startNode(LocalNode node) {
        if (network != null) {
            node.peerHost(node.name());
            writeHostsFile(node);
        }
        node.start(java, jvmOptions(node), install.classpath(), settings(node), options.mainClass(), env);
        ArcadeClient anonymous = client(node.node()).anonymous();
        probes.started(node.ordinal(), node.incarnation(), node.startedMillis(), () -> anonymous.ready(ReadinessProbes.TIMEOUT));
        Log.step("started %s: %s, data %s", node.label(), node.ports(), node.data());
    }

    private List<String> jvmOptions(LocalNode node) {
        List<String> out = new ArrayList<>(JVM_OPTIONS);
        if (network != null) {
            out.add("-Djdk.net.hosts.file=" + node.hostsFile());
        }
        out.addAll(options.serverJvmOptions);
        return out;
    }

    /** The server list every node of the current size gets: name@127.0.0.1:raft:http, in ordinal order. */
    private String serverList() {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            LocalNode n = all.get(i);
            entries.add(n.name() + "@" + n.peerHost() + ":" + n.ports().raft() + ":" + n.ports().http());
        }
        return String.join(",", entries);
    }

    /**
     * The chart's HA-aware readiness (values.yaml ha.readinessRequiresHA and ha.readinessHAMaxLag), which the local
     * readiness probes and the waits for a ready node rely on as on Kubernetes; --server-setting may override them.
     */
    static final Map<String, String> CHART_READINESS = Map.of(
            "arcadedb.server.readinessRequiresHA", "true",
            "arcadedb.server.readinessHAMaxLag", "100");

    /** The -D settings of one node: the chart's, adapted to loopback, plus --server-setting. */
    public Map<String, String> settings(Node node) {
        return settings(local(node));
    }

    private Map<String, String> settings(LocalNode n) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("arcadedb.server.name", n.name());
        s.put("arcadedb.server.rootPath", n.data().toString());
        s.put("arcadedb.server.databaseDirectory", n.data().resolve("databases").toString());
        s.put("arcadedb.server.logsDirectory", n.dir().resolve("log").toString());
        // with named peers, peers reach this node's HTTP at their pair address (forwarded writes): the nft table keeps it loopback-only
        s.put("arcadedb.server.httpIncomingHost", network != null ? "0.0.0.0" : "127.0.0.1");
        s.put("arcadedb.server.httpIncomingPort", String.valueOf(n.ports().http()));
        s.put("arcadedb.server.httpsIncomingPort", String.valueOf(n.ports().https()));
        s.put("arcadedb.ha.raftPort", String.valueOf(n.ports().raft()));
        s.putAll(settings());
        return s;
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("arcadedb.server.mode", "production");
        s.put("arcadedb.ha.enabled", "true");
        s.put("arcadedb.ha.serverList", serverList());
        s.putAll(new java.util.TreeMap<>(CHART_READINESS));
        s.putAll(options.serverSettings);
        s.remove(PASSWORD_ENV);
        return s;
    }

    @Override
    public String describe() {
        return size + " local ArcadeDB server process" + (size == 1 ? "" : "es") + " on 127.0.0.1 (" + install + ", " + java
                + ", work dir " + workDir + (network == null ? "" : ", peers by name, nft table inet " + network.table()) + ")";
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public List<Node> nodes() {
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(all.get(i).node());
        }
        return out;
    }

    private LocalNode local(Node node) {
        if (node.ordinal() < 0 || node.ordinal() >= all.size() || !all.get(node.ordinal()).name().equals(node.name())) {
            throw new PhaseFailure("expected a node of this local cluster, saw " + node + " (nodes: " + nodes() + ")");
        }
        return all.get(node.ordinal());
    }

    /** The process of a node's current incarnation (for tests and diagnostics). */
    public Process process(Node node) {
        return local(node).process();
    }

    /** A node's folder: data/, log/ and its server logs. */
    public Path nodeDir(Node node) {
        return local(node).dir();
    }

    /** A node's data folder (its server root path), what deleting its volume removes. */
    public Path dataDir(Node node) {
        return local(node).data();
    }

    public LocalPorts ports(Node node) {
        return local(node).ports();
    }

    /** The command line of a node's current process (the password is not on it). */
    public List<String> command(Node node) {
        return local(node).command();
    }

    @Override
    public ArcadeClient client(Node node) {
        LocalNode n = local(node);
        return clients.computeIfAbsent(n.ordinal(), i -> new ArcadeClient(new LocalEndpoint(n), "root", password));
    }

    @Override
    public Node nodeOfPeer(String peerId) {
        int raftPort;
        String host;
        try {
            raftPort = PeerIds.raftPort(peerId);
            host = PeerIds.host(peerId);
        } catch (IllegalArgumentException e) {
            throw new PhaseFailure("expected a peer id host_raftPort, saw " + peerId);
        }
        for (LocalNode n : all) {
            if (n.ports().raft() == raftPort && ("127.0.0.1".equals(host) || "localhost".equals(host) || n.name().equals(host))) {
                return n.node();
            }
        }
        List<String> known = all.stream().map(n -> n.name() + "=" + n.peerId()).toList();
        throw new PhaseFailure("peer id " + peerId + " names no local node (by Raft port: " + String.join(", ", known) + ")");
    }

    @Override
    public String peerIdOf(Node node) {
        return local(node).peerId();
    }

    @Override
    public String howToSet(Map<ServerSetting, String> values) {
        StringBuilder sb = new StringBuilder("start the local servers with");
        values.forEach((setting, value) -> sb.append(" --server-setting ").append(setting.key()).append('=').append(value));
        return sb.toString();
    }

    @Override
    public boolean keepsStateOnRestart() {
        return true;
    }

    @Override
    public void awaitRollout(Duration timeout) {
        awaitReady(runningNodes(), "every server process started and answering /api/v1/ready with 204", timeout);
    }

    private List<LocalNode> runningNodes() {
        return new ArrayList<>(all.subList(0, size));
    }

    /** What the nodes being waited for show: their /api/v1/ready status or why there is none. */
    private record Starts(Map<LocalNode, String> states, List<LocalNode> exited) {
        boolean ready() {
            return states.values().stream().allMatch("ready"::equals);
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            states.forEach((n, s) -> parts.add(n.name() + ": " + s));
            return "{" + String.join("; ", parts) + "}";
        }
    }

    private Starts observe(List<LocalNode> nodes) {
        Map<LocalNode, String> states = new LinkedHashMap<>();
        List<LocalNode> exited = new ArrayList<>();
        for (LocalNode n : nodes) {
            if (!n.running()) {
                states.put(n, n.state());
                exited.add(n);
                continue;
            }
            try {
                int status = client(n.node()).anonymous().ready();
                states.put(n, status == 204 ? "ready" : "/api/v1/ready answered " + status);
            } catch (RuntimeException e) {
                states.put(n, "no answer on port " + n.ports().http());
            }
        }
        return new Starts(states, exited);
    }

    /**
     * Waits until every one of {@code nodes} runs and answers /api/v1/ready with 204. A process that
     * exits, or a node not ready in time, fails with its name, port and the last lines of its log.
     */
    private void awaitReady(List<LocalNode> nodes, String description, Duration timeout) {
        Starts seen;
        try {
            seen = Wait.until(description, POLL, timeout, () -> observe(nodes), s -> s.ready() || !s.exited().isEmpty());
        } catch (Wait.WaitTimeoutException e) {
            StringBuilder sb = new StringBuilder(e.getMessage());
            for (LocalNode n : nodes) {
                if (!observe(List.of(n)).ready()) {
                    sb.append("\n  ").append(n.label()).append(" is not ready; ").append(n.tail(TAIL_LINES));
                }
            }
            throw new PhaseFailure(sb.toString());
        }
        if (!seen.exited().isEmpty()) {
            LocalNode n = seen.exited().get(0);
            throw new PhaseFailure(n.label() + " " + n.state() + " before /api/v1/ready answered 204 (expected a running server); "
                    + n.tail(TAIL_LINES));
        }
    }

    /** Waits until every one of {@code nodes} runs and answers /api/v1/health with 204 (not necessarily ready). */
    private void awaitAnswering(List<LocalNode> nodes, String description, Duration timeout) {
        Wait.until(description, POLL, timeout, () -> {
            Map<String, String> states = new LinkedHashMap<>();
            for (LocalNode n : nodes) {
                if (!n.running()) {
                    throw new PhaseFailure(n.label() + " " + n.state() + " before /api/v1/health answered (expected a running server); "
                            + n.tail(TAIL_LINES));
                }
                try {
                    states.put(n.name(), "health " + client(n.node()).anonymous().health());
                } catch (RuntimeException e) {
                    states.put(n.name(), "no answer on port " + n.ports().http());
                }
            }
            return states;
        }, states -> states.values().stream().allMatch("health 204"::equals));
    }

    @Override
    public String incarnation(Node node) {
        return local(node).incarnation();
    }

    @Override
    public List<ServiceState> serviceView() {
        List<ServiceState> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            LocalNode n = all.get(i);
            out.add(probes.state(n.node(), n.incarnation(), n.startedMillis(), n.running(), n.state()));
        }
        return out;
    }

    @Override
    public synchronized void deleteNode(Node node, boolean wipeState) {
        LocalNode n = local(node);
        Log.step("kill -9 %s%s", n.label(), wipeState ? " and delete its data folder " + n.data() : "");
        probes.stopping(n.ordinal(), "killed");
        n.kill();
        if (wipeState) {
            n.wipeData();
        }
        startNode(n);
    }

    // ---------------------------------------------------------------- pause: SIGSTOP / SIGCONT of the process

    @Override
    public Optional<String> cannotFreeze() {
        return Optional.empty();
    }

    @Override
    public void freeze(Node node) {
        LocalNode n = local(node);
        Log.step("kill -STOP %s", n.label());
        Freezer.freeze(n.process().pid(), n.label());
    }

    @Override
    public void thaw(Node node) {
        LocalNode n = local(node);
        Log.step("kill -CONT %s", n.label());
        Freezer.thaw(n.process().pid(), n.label());
    }

    /** SIGTERM, up to {@link Target#GRACEFUL_STOP} for the server to exit, then a new process with the same ports and data. */
    @Override
    public synchronized void restartGracefully(Node node) {
        LocalNode n = local(node);
        Log.step("SIGTERM %s (up to %s to stop, then kill -9)", n.label(), Log.seconds(GRACEFUL_STOP));
        long t0 = System.nanoTime();
        probes.stopping(n.ordinal(), "stopping (SIGTERM)");
        n.stop(GRACEFUL_STOP.toMillis());
        Log.step("%s %s after %s", n.name(), n.state(), Log.seconds(Duration.ofNanos(System.nanoTime() - t0)));
        startNode(n);
    }

    @Override
    public String awaitReplacement(Node node, String previousIncarnation, Duration timeout) {
        LocalNode n = local(node);
        String now = n.incarnation();
        if (now.equals(previousIncarnation)) {
            throw new PhaseFailure("expected " + node + " to run as a new process, saw the same pid " + now);
        }
        awaitReady(List.of(n), node + " restarted (pid " + now + ", was " + previousIncarnation + ") and ready", timeout);
        return n.incarnation();
    }

    /**
     * Changes the number of processes the way {@code helm upgrade --set replicaCount=N} changes the chart's
     * StatefulSet. Up: the new nodes start with the wider server list; once they answer HTTP, the existing nodes
     * restart one at a time, highest ordinal first, with the wider list and their data, as the StatefulSet rolls its
     * pods when the rendered list changes (a node's {@code peers[]} is its own server list). Local processes run without
     * the chart's Kubernetes auto-join, so the new nodes are not members yet when this returns
     * ({@link #joinsOnItsOwn}: whoever scales adds them through the leader). Down: the highest ordinals stop (SIGTERM);
     * their folders stay, like the PVCs of a scaled-down StatefulSet, and membership is not changed, as with helm.
     */
    @Override
    public synchronized void scaleTo(int replicas, Duration timeout) {
        if (replicas < 1) {
            throw new PhaseFailure("expected at least 1 replica to scale to, saw " + replicas);
        }
        int current = size;
        if (replicas < current) {
            for (int i = current - 1; i >= replicas; i--) {
                Log.step("stopping %s (scale down to %d)", all.get(i).label(), replicas);
                probes.stopping(i, "stopped (scaled down)");
                all.get(i).stop(STOP_GRACE_MILLIS);
            }
            size = replicas;
            return;
        }
        if (replicas == current) {
            awaitRollout(timeout);
            return;
        }
        List<LocalNode> older = runningNodes();
        List<LocalNode> added = new ArrayList<>();
        for (int i = current; i < replicas; i++) {
            added.add(nodeFor(i));
        }
        size = replicas;
        for (LocalNode n : added) {
            startNode(n);
        }
        // with the chart's HA-aware readiness a node is ready only once it is a member: wait for its HTTP API
        awaitAnswering(added, "the new node" + (added.size() == 1 ? "" : "s") + " " + names(added) + " answering /api/v1/health", timeout);
        for (int i = older.size() - 1; i >= 0; i--) {
            restart(older.get(i), timeout);
        }
    }

    /** Local processes run without Kubernetes mode, so nothing joins on its own. */
    @Override
    public boolean joinsOnItsOwn(ServerVersion version) {
        return false;
    }

    private void restart(LocalNode n, Duration timeout) {
        String before = n.incarnation();
        Log.step("restarting %s (SIGTERM, then a new process with the same ports and data)", n.label());
        probes.stopping(n.ordinal(), "stopping (SIGTERM)");
        n.stop(STOP_GRACE_MILLIS);
        startNode(n);
        awaitReady(List.of(n), n.name() + " restarted (pid " + n.incarnation() + ", was " + before + ") and ready", timeout);
    }

    private static String names(List<LocalNode> nodes) {
        return nodes.stream().map(LocalNode::name).toList().toString();
    }

    @Override
    public String logs(Node node, boolean previous) {
        return local(node).logText(previous);
    }

    /**
     * Writes, per node, nodes/&lt;name&gt;/log.txt (the current process's log) and previous-log.txt (the one before
     * it), as the Kubernetes target names pod logs, and processes.txt: pids, ports, states and command lines.
     */
    @Override
    public void collectDiagnostics(Path dir) {
        for (LocalNode n : all) {
            Path nodeDir = dir.resolve("nodes").resolve(n.name());
            EvidenceFiles.write(nodeDir.resolve("log.txt"), n.logText(false));
            String previous = n.logText(true);
            if (!previous.isEmpty()) {
                EvidenceFiles.write(nodeDir.resolve("previous-log.txt"), previous);
            }
        }
        EvidenceFiles.write(dir.resolve("processes.txt"), processTable());
    }

    private static void copyLogs(LocalNode n, Path into) throws IOException {
        Files.createDirectories(into);
        for (Path log : n.logFiles()) {
            Files.writeString(into.resolve(log.getFileName().toString()), Redactor.redact(Files.readString(log, StandardCharsets.UTF_8)));
        }
    }

    private String processTable() {
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-12s %-8s %-6s %-6s %-6s %-22s %s%n", "NODE", "PID", "HTTP", "HTTPS", "RAFT", "STATE", "FOLDER"));
        for (LocalNode n : all) {
            Process p = n.process();
            table.append(String.format("%-12s %-8s %-6d %-6d %-6d %-22s %s%n", n.name(), p == null ? "-" : String.valueOf(p.pid()),
                    n.ports().http(), n.ports().https(), n.ports().raft(), n.state(), n.dir()));
        }
        table.append(System.lineSeparator()).append("Command lines (the root password is passed in the environment variable ")
                .append(PASSWORD_ENV).append(", not on them):").append(System.lineSeparator());
        for (LocalNode n : all) {
            table.append(n.name()).append(": ").append(String.join(" ", n.command())).append(System.lineSeparator());
        }
        return table.toString();
    }

    /**
     * Stops every process: SIGTERM to all, up to 10 s to exit, then kill -9; then copies every node's log
     * into the report dir (node-logs/&lt;name&gt;/). Safe to call twice, and from a shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        probes.close();
        Freezer.thawAll();   // pause: a stopped process would not act on SIGTERM, and none may stay stopped
        List<LocalNode> live = all.stream().filter(LocalNode::running).toList();
        for (LocalNode n : live) {
            n.process().destroy();
        }
        for (LocalNode n : live) {
            n.stop(STOP_GRACE_MILLIS);
        }
        if (reportDir != null && !all.isEmpty()) {
            try {
                for (LocalNode n : all) {
                    copyLogs(n, reportDir.resolve("node-logs").resolve(n.name()));
                }
            } catch (IOException e) {
                Log.warn("could not copy the node logs into %s: %s", reportDir, e.getMessage());
            }
        }
        if (network != null) {
            network.remove();
        }
        if (!live.isEmpty()) {
            Log.step("stopped %d server process%s; node logs in %s, data in %s", live.size(), live.size() == 1 ? "" : "es",
                    reportDir == null ? workDir : reportDir.resolve("node-logs"), workDir);
        }
        workLock.close();
    }

    /** A node's HTTP API on loopback; a refused connection to a process that exited says so, with its log. */
    private static final class LocalEndpoint implements Endpoint {
        private final LocalNode node;
        private final URI base;

        LocalEndpoint(LocalNode node) {
            this.node = node;
            this.base = URI.create("http://127.0.0.1:" + node.ports().http() + "/");
        }

        @Override
        public String name() {
            return node.name();
        }

        @Override
        public URI baseUri() {
            return base;
        }

        @Override
        public void connectionFailed(Exception cause) {
            Process p = node.process();
            if (p != null && !p.isAlive()) {
                throw new ArcadeClient.NodeUnreachableException(node.label() + " is not running (" + node.state() + "); "
                        + node.tail(5), cause);
            }
        }
    }
}
