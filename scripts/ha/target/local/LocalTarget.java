package ha.target.local;

import ha.client.ArcadeClient;
import ha.core.Freezer;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseFailure;
import ha.core.ProjectRoot;
import ha.core.ReportOptions;
import ha.core.RunLock;
import ha.core.ServerVersion;
import ha.target.ServerSetting;
import ha.target.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final long STOP_GRACE_MILLIS = 10_000;

    private final LocalOptions options;
    private final LocalJava java;
    private final LocalInstall install;
    private final Path workDir;
    private final Path reportDir;
    private final String password;
    private final Map<String, String> env;
    private final Map<Integer, ArcadeClient> clients = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReadinessProbes probes;
    private final RunLock workLock;
    private final LocalMembers members;
    private final LocalCuts cuts = new LocalCuts();
    private final LocalWaits waits = new LocalWaits(n -> client(n.node()));

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
        this.members = new LocalMembers(options.basePort, workDir);
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
        options.checkNodes();
        String password = LocalWorkDir.password(environment);
        LocalPorts.checkRange(options.basePort, options.nodes);
        LocalInstall install = LocalInstall.resolve(options, environment, ProjectRoot.resolve(".tools", "arcadedb"));
        LocalJava java = LocalJava.find(options.serverJava, environment);
        Path workDir = options.workDirOrDefault(runId);
        RunLock lock = LocalWorkDir.claim(workDir, runId);
        LocalTarget target;
        try {
            Path passwordFile = LocalWorkDir.keepPassword(workDir, password);
            Log.step("the root password of user root is in %s (readable by you only)%s", passwordFile,
                    environment.getOrDefault(LocalWorkDir.PASSWORD_OVERRIDE_ENV, "").isEmpty() ? "; it is random: set " + LocalWorkDir.PASSWORD_OVERRIDE_ENV + " to choose it" : "");
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

    private void launch(int nodes) {
        members.resize(nodes);
        Log.step("starting %d ArcadeDB server process%s (%s, %s) in %s", nodes, nodes == 1 ? "" : "es", install, java, workDir);
        if (options.namedPeers) {
            cuts.prepare(members.all());
        }
        for (LocalNode n : members.members()) {
            startNode(n);
        }
    }

    @Override
    public String whyNoCut() {
        return cuts.whyNot();
    }

    @Override
    public void cut(List<Node> sideA, List<Node> sideB) {
        cuts.cut(sideA.stream().map(members::of).toList(), sideB.stream().map(members::of).toList());
    }

    @Override
    public void healNetwork() {
        cuts.heal();
    }

    /** The nft table of this run, or null without cuts (tests). */
    public String networkTable() {
        return cuts.table();
    }

    private void startNode(LocalNode node) {
        if (cuts.active()) {
            cuts.writeHostsFile(node, members.all());
        }
        node.start(java, LocalSettings.jvmOptions(options, node, cuts.active()), install.classpath(),
                LocalSettings.node(options, node, members.members(), cuts.active()), options.mainClass(), env);
        ArcadeClient anonymous = client(node.node()).anonymous();
        probes.started(node.ordinal(), node.incarnation(), node.startedMillis(), () -> anonymous.ready(ReadinessProbes.TIMEOUT));
        Log.step("started %s: %s, data %s", node.label(), node.ports(), node.data());
    }

    /** The -D settings of one node: the chart's, adapted to loopback, plus --server-setting. */
    public Map<String, String> settings(Node node) {
        return LocalSettings.node(options, members.of(node), members.members(), cuts.active());
    }

    @Override
    public Map<String, String> settings() {
        return LocalSettings.cluster(options, members.members());
    }

    @Override
    public String describe() {
        int size = members.size();
        return size + " local ArcadeDB server process" + (size == 1 ? "" : "es") + " on 127.0.0.1 (" + install + ", " + java
                + ", work dir " + workDir + (cuts.active() ? ", peers by name, nft table inet " + cuts.table() : "") + ")";
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public List<Node> nodes() {
        return members.nodes();
    }

    /** The process of a node's current incarnation (for tests and diagnostics). */
    public Process process(Node node) {
        return members.of(node).process();
    }

    /** A node's folder: data/, log/ and its server logs. */
    public Path nodeDir(Node node) {
        return members.of(node).dir();
    }

    /** A node's data folder (its server root path), what deleting its volume removes. */
    public Path dataDir(Node node) {
        return members.of(node).data();
    }

    public LocalPorts ports(Node node) {
        return members.of(node).ports();
    }

    /** The command line of a node's current process (the password is not on it). */
    public List<String> command(Node node) {
        return members.of(node).command();
    }

    @Override
    public ArcadeClient client(Node node) {
        LocalNode n = members.of(node);
        return clients.computeIfAbsent(n.ordinal(), i -> new ArcadeClient(new LocalEndpoint(n), "root", password));
    }

    @Override
    public Node nodeOfPeer(String peerId) {
        return LocalNode.ofPeer(members.all(), peerId).node();
    }

    @Override
    public String peerIdOf(Node node) {
        return members.of(node).peerId();
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
        waits.awaitReady(members.members(), "every server process started and answering /api/v1/ready with 204", timeout);
    }

    @Override
    public String incarnation(Node node) {
        return members.of(node).incarnation();
    }

    @Override
    public List<ServiceState> serviceView() {
        List<ServiceState> out = new ArrayList<>();
        for (LocalNode n : members.members()) {
            out.add(probes.state(n.node(), n.incarnation(), n.startedMillis(), n.running(), n.state()));
        }
        return out;
    }

    @Override
    public synchronized void deleteNode(Node node, boolean wipeState) {
        LocalNode n = members.of(node);
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
        LocalNode n = members.of(node);
        Log.step("kill -STOP %s", n.label());
        Freezer.freeze(n.process().pid(), n.label());
    }

    @Override
    public void thaw(Node node) {
        LocalNode n = members.of(node);
        Log.step("kill -CONT %s", n.label());
        Freezer.thaw(n.process().pid(), n.label());
    }

    /** SIGTERM, up to {@link Target#GRACEFUL_STOP} for the server to exit, then a new process with the same ports and data. */
    @Override
    public synchronized void restartGracefully(Node node) {
        LocalNode n = members.of(node);
        Log.step("SIGTERM %s (up to %s to stop, then kill -9)", n.label(), Log.seconds(GRACEFUL_STOP));
        long t0 = System.nanoTime();
        probes.stopping(n.ordinal(), "stopping (SIGTERM)");
        n.stop(GRACEFUL_STOP.toMillis());
        Log.step("%s %s after %s", n.name(), n.state(), Log.seconds(Duration.ofNanos(System.nanoTime() - t0)));
        startNode(n);
    }

    @Override
    public String awaitReplacement(Node node, String previousIncarnation, Duration timeout) {
        LocalNode n = members.of(node);
        String now = n.incarnation();
        if (now.equals(previousIncarnation)) {
            throw new PhaseFailure("expected " + node + " to run as a new process, saw the same pid " + now);
        }
        waits.awaitReady(List.of(n), node + " restarted (pid " + now + ", was " + previousIncarnation + ") and ready", timeout);
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
        int current = members.size();
        if (replicas < current) {
            for (int i = current - 1; i >= replicas; i--) {
                Log.step("stopping %s (scale down to %d)", members.get(i).label(), replicas);
                probes.stopping(i, "stopped (scaled down)");
                members.get(i).stop(STOP_GRACE_MILLIS);
            }
            members.resize(replicas);
            return;
        }
        if (replicas == current) {
            awaitRollout(timeout);
            return;
        }
        List<LocalNode> older = members.members();
        members.resize(replicas);
        List<LocalNode> added = members.members().subList(current, replicas);
        for (LocalNode n : added) {
            startNode(n);
        }
        // with the chart's HA-aware readiness a node is ready only once it is a member: wait for its HTTP API
        waits.awaitAnswering(added, "the new node" + (added.size() == 1 ? "" : "s") + " " + LocalCuts.names(added) + " answering /api/v1/health", timeout);
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
        waits.awaitReady(List.of(n), n.name() + " restarted (pid " + n.incarnation() + ", was " + before + ") and ready", timeout);
    }

    @Override
    public String logs(Node node, boolean previous) {
        return members.of(node).logText(previous);
    }

    /** Per node its current and previous log (nodes/&lt;name&gt;/), and processes.txt: pids, ports, states, command lines. */
    @Override
    public void collectDiagnostics(Path dir) {
        LocalEvidence.collect(members.all(), dir);
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
        List<LocalNode> live = members.all().stream().filter(LocalNode::running).toList();
        for (LocalNode n : live) {
            n.process().destroy();
        }
        for (LocalNode n : live) {
            n.stop(STOP_GRACE_MILLIS);
        }
        if (reportDir != null && !members.all().isEmpty()) {
            LocalEvidence.keepLogs(members.all(), reportDir);
        }
        cuts.remove();
        if (!live.isEmpty()) {
            Log.step("stopped %d server process%s; node logs in %s, data in %s", live.size(), live.size() == 1 ? "" : "es",
                    reportDir == null ? workDir : reportDir.resolve("node-logs"), workDir);
        }
        workLock.close();
    }
}
