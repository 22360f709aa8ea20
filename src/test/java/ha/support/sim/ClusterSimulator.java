package ha.support.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * An in-process simulator of an ArcadeDB Raft HA cluster's HTTP API (reference: arcadedb-ha-api.md), one
 * {@code com.sun.net.httpserver} per node on a loopback port.
 *
 * <p>Model: one Raft log shared by all nodes (each node holds a prefix of it up to its {@code lastIndex} and has
 * applied it up to {@code appliedIndex}); the leader runs an append/heartbeat round every
 * {@link Timings#replicationDelay()}, commits what a majority of the configured members hold, and classifies its
 * followers every {@link Timings#statusTick()}. All state is guarded by one lock; one scheduler thread drives
 * simulated time; HTTP requests run on a cached pool and block (with bounded waits) where the real server blocks.
 */
public final class ClusterSimulator implements AutoCloseable {
    static final String STATUS_UNKNOWN = "UNKNOWN";
    static final String STATUS_HEALTHY = "HEALTHY";
    static final String STATUS_CATCHING_UP = "CATCHING_UP";
    static final String STATUS_FALLING_BEHIND = "FALLING_BEHIND";
    static final String STATUS_STALLED = "STALLED";
    /** Entries a follower appends per round at most (so a long catch-up takes a few rounds). */
    static final int APPEND_BATCH = 256;

    static {
        // The JDK HTTP server writes headers and body separately; without TCP_NODELAY, Nagle plus delayed ACKs add
        // about 40 ms to every answer. Read once when the server classes initialise, so set it before any server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    final Timings timings;
    final SimVersion version;
    final String password;
    final IntFunction<String> peerHostFn;
    final IntFunction<String> serverNameFn;
    final int raftPort;
    final int declaredHttpPort;

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();

    /** Node slots; only grows. Node fields are guarded by {@link #lock}. */
    final List<SimNode> nodes = new CopyOnWriteArrayList<>();
    /** Size of every node's static server list (peers[]). */
    int listSize;
    /** The committed Raft configuration (ordinals). */
    final TreeSet<Integer> members = new TreeSet<>();
    final List<RaftEntry> raftLog = new ArrayList<>();
    /** Bytes of the Raft log up to and including entry i + 1 (parallel to {@link #raftLog}), for segment rolls. */
    final List<Long> logBytes = new ArrayList<>();
    long term;
    long commitIndex;
    /** The leader as the cluster last elected it; may be a dead node until failover detection. */
    Integer leader;
    int leaderIncarnation;
    long leaderSinceNanos;
    boolean leaderReady;
    long noopIndex;
    LeaderView view;
    boolean transferInProgress;
    private boolean ackRoundScheduled;
    /** {commitIndex, nanoTime} of recent commits not yet visible to followers. */
    private final java.util.ArrayDeque<long[]> commitTimes = new java.util.ArrayDeque<>();
    private long visibleCommit;
    private long pendingElectionAt;
    private boolean electionPending;
    private long electionToken;
    /** The leader that stopped last (until the next election) and when it stopped (nanoTime). */
    private Integer stoppedLeader;
    private long stoppedLeaderNanos;
    /** While a follower re-applies entries onto the copy a WAL version gap made it take (no second resync then). */
    private boolean resyncing;

    final Map<String, String> settings = new ConcurrentHashMap<>();
    final Faults faults = new Faults(this);
    final ObjectMapper json = new ObjectMapper();
    final NodeHttp http;
    final Random random = new Random();
    final List<Throwable> internalErrors = new CopyOnWriteArrayList<>();
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();

    private final ScheduledThreadPoolExecutor scheduler;
    final ExecutorService httpExecutor;
    volatile boolean closed;

    // ------------------------------------------------------------------ builder

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int nodes = 3;
        private String version = "26.8.1";
        private String password = "sim-root-password-0001";
        private IntFunction<String> peerHost = i -> "test-arcadedb-" + i + ".test-arcadedb.default.svc.cluster.local";
        private int raftPort = 2434;
        private int declaredHttpPort = 2480;
        private Timings timings = Timings.realistic();
        private IntFunction<String> serverName = i -> "test-arcadedb-" + i;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /** Number of nodes started (default 3). */
        public Builder nodes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("nodes must be >= 1");
            }
            this.nodes = n;
            return this;
        }

        /** "26.8.1" (default), "26.7.3", or "26.9.1-SNAPSHOT" (26.8.1 plus HEAD-only fields). */
        public Builder version(String v) {
            SimVersion.parse(v);
            this.version = v;
            return this;
        }

        /** The root password (default "sim-root-password-0001"). */
        public Builder password(String p) {
            this.password = Objects.requireNonNull(p, "password");
            return this;
        }

        /** Host used in peer ids and addresses. */
        public Builder peerHost(IntFunction<String> f) {
            this.peerHost = Objects.requireNonNull(f);
            return this;
        }

        /** Raft port declared in the server list (peer id = host + "_" + raftPort). */
        public Builder raftPort(int p) {
            this.raftPort = p;
            return this;
        }

        /** HTTP port declared in the server list (leaderHttpAddress = host:port). */
        public Builder declaredHttpPort(int p) {
            this.declaredHttpPort = p;
            return this;
        }

        /** Simulated durations; default {@link Timings#realistic()}. */
        public Builder timings(Timings t) {
            this.timings = Objects.requireNonNull(t);
            return this;
        }

        /** arcadedb.server.name per ordinal (default "test-arcadedb-" + i). */
        public Builder serverName(IntFunction<String> f) {
            this.serverName = Objects.requireNonNull(f);
            return this;
        }

        /** A setting in effect from the start (same keys as {@link ClusterSimulator#setSetting}). */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Builds and starts the cluster: every node's HTTP server listens when this returns. */
        public ClusterSimulator build() {
            ClusterSimulator s = new ClusterSimulator(this);
            try {
                s.startCluster(nodes);
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        }
    }

    private ClusterSimulator(Builder b) {
        this.timings = b.timings;
        this.version = SimVersion.parse(b.version);
        this.password = b.password;
        this.peerHostFn = b.peerHost;
        this.serverNameFn = b.serverName;
        this.raftPort = b.raftPort;
        this.declaredHttpPort = b.declaredHttpPort;
        this.settings.putAll(b.settings);
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("arcadedb-sim-clock"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.httpExecutor = Executors.newCachedThreadPool(daemon("arcadedb-sim-http"));
        this.http = new NodeHttp(this);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void startCluster(int n) {
        lock.lock();
        try {
            for (int i = 0; i < n; i++) {
                nodes.add(newSlot(i));
                members.add(i);
            }
            listSize = n;
            for (SimNode node : nodes) {
                startLocked(node, false);
            }
        } finally {
            lock.unlock();
        }
        for (SimNode node : nodes) {
            syncHttp(node);
        }
        long period = timings.replicationDelay().toNanos();
        scheduler.scheduleAtFixedRate(() -> locked(this::round), period, period, TimeUnit.NANOSECONDS);
    }

    private SimNode newSlot(int i) {
        String host = peerHostFn.apply(i);
        SimNode node = new SimNode(i, host, host + "_" + raftPort, serverNameFn.apply(i));
        node.port = freePort();
        return node;
    }

    /**
     * A port below the kernel's ephemeral range: a node's port must stay free while the node is down, and in the
     * ephemeral range any outgoing connection may take it meanwhile ("cannot bind node 2 … Address already in use").
     */
    private static int freePort() {
        return ha.target.local.LocalPorts.pickFreePort();
    }

    // ------------------------------------------------------------------ public API

    /** Number of node slots (grows with {@link #scaleTo}). */
    public int size() {
        return nodes.size();
    }

    /** Loopback HTTP port of node i; stable across kill and start of that node. */
    public int httpPort(int ordinal) {
        checkOrdinal(ordinal);
        return nodes.get(ordinal).port;
    }

    /** Raft peer id of node i: host + "_" + raftPort. */
    public String peerId(int ordinal) {
        checkOrdinal(ordinal);
        return nodes.get(ordinal).peerId;
    }

    /** arcadedb.server.name of node i (the pod name in the chart layout). */
    public String serverName(int ordinal) {
        checkOrdinal(ordinal);
        return nodes.get(ordinal).serverName;
    }

    /** Declared HTTP address host:declaredHttpPort of node i (as in leaderHttpAddress). */
    public String httpAddress(int ordinal) {
        checkOrdinal(ordinal);
        return httpAddressOf(ordinal);
    }

    /** The current live leader, or null (none elected, or the leader died and no successor is elected yet). */
    public Integer leaderOrdinal() {
        lock.lock();
        try {
            return aliveLeader();
        } finally {
            lock.unlock();
        }
    }

    /** Like kill -9: the port refuses connections at once; followers notice after the failover detection. */
    public void killNode(int ordinal) {
        checkOrdinal(ordinal);
        SimNode n = nodes.get(ordinal);
        lock.lock();
        try {
            if (!n.running) {
                return;
            }
            markStopped(n);
        } finally {
            lock.unlock();
        }
        syncHttp(n);
        listeners.forEach(l -> l.nodeStopped(ordinal));
    }

    /**
     * A graceful stop (SIGTERM). Like {@link #killNode} except that on 26.7.3 (Kubernetes mode) the node first leaves
     * the Raft configuration when quorum allows it (reference §10.3); 26.8.1+ never leaves on shutdown.
     */
    public void stopNode(int ordinal) {
        checkOrdinal(ordinal);
        SimNode n = nodes.get(ordinal);
        lock.lock();
        try {
            if (!n.running) {
                return;
            }
            if (!version.atLeast268() && members.contains(ordinal)) {
                int total = members.size();
                if (total > 1 && total - 1 >= total / 2 + 1 && aliveLeader() != null) {
                    log(n, "INFO", "RaftHAServer", "Server " + n.peerId + " leaving cluster");
                    removeMember(ordinal);
                } else {
                    log(n, "WARNING", "RaftHAServer", "Could not leave cluster gracefully on shutdown");
                }
            }
            log(n, "INFO", "ArcadeDBServer", "ArcadeDB Server is shutting down");
            markStopped(n);
        } finally {
            lock.unlock();
        }
        syncHttp(n);
        listeners.forEach(l -> l.nodeStopped(ordinal));
    }

    /**
     * Starts a stopped node (no-op if it runs). With {@code wipeState} its databases and Raft log are gone and it
     * catches up from the leader by log replay, or by snapshot install when the leader purged the entries it needs.
     */
    public void startNode(int ordinal, boolean wipeState) {
        checkOrdinal(ordinal);
        SimNode n = nodes.get(ordinal);
        lock.lock();
        try {
            if (n.running) {
                return;
            }
            startLocked(n, wipeState);
        } finally {
            lock.unlock();
        }
        syncHttp(n);
    }

    /** Kill followed by start. */
    public void restartNode(int ordinal, boolean wipeState) {
        killNode(ordinal);
        startNode(ordinal, wipeState);
    }

    public boolean isRunning(int ordinal) {
        checkOrdinal(ordinal);
        lock.lock();
        try {
            return nodes.get(ordinal).running;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs nodes 0..n-1. New slots start with empty state and every node's server list widens; on 26.8.1+ new nodes
     * auto-join after {@link Timings#joinDelay()}, on 26.7.3 they stay outside until POST /api/v1/cluster/peer adds
     * them. Scaling down stops the highest ordinals (as a kill: their peers stay in the configuration until
     * DELETE /api/v1/cluster/peer/{id}); the server list does not shrink. Slots stopped by a scale-down start again
     * with empty state when scaled up.
     */
    public void scaleTo(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1");
        }
        List<SimNode> added = new ArrayList<>();
        List<SimNode> toStart = new ArrayList<>();
        List<SimNode> toStop = new ArrayList<>();
        lock.lock();
        try {
            for (int i = nodes.size(); i < n; i++) {
                SimNode node = newSlot(i);
                nodes.add(node);
                added.add(node);
            }
            listSize = Math.max(listSize, n);
            for (SimNode node : nodes) {
                if (node.ordinal < n && !node.running && (added.contains(node) || node.scaledDown)) {
                    startLocked(node, true);
                    toStart.add(node);
                } else if (node.ordinal >= n && node.running) {
                    log(node, "INFO", "ArcadeDBServer", "ArcadeDB Server is shutting down");
                    markStopped(node);
                    node.scaledDown = true;
                    toStop.add(node);
                }
            }
            signal();
        } finally {
            lock.unlock();
        }
        for (SimNode node : added) {
            listeners.forEach(l -> l.nodeAdded(node.ordinal, node.port));
        }
        for (SimNode node : toStart) {
            syncHttp(node);
        }
        for (SimNode node : toStop) {
            syncHttp(node);
            listeners.forEach(l -> l.nodeStopped(node.ordinal));
        }
    }

    /**
     * Sets a server setting cluster-wide, effective at once ({@code null} removes it). Keys used: arcadedb.ha.snapshotThreshold
     * (100000), arcadedb.ha.logPurgeGap (1024), arcadedb.ha.logPurgeUptoSnapshot (true), arcadedb.ha.replicationLagWarning
     * (1000), arcadedb.ha.peerUnreachableThreshold, arcadedb.ha.quorumTimeout, arcadedb.ha.forwardLeaderWaitTimeoutMs,
     * arcadedb.ha.stalledReplicaResyncDurationMs (ms; default derived from the timings), arcadedb.ha.resyncCatchupLagThreshold
     * (1000), arcadedb.ha.clusterName (arcadedb), arcadedb.ha.logVerbose (0), arcadedb.ha.idempotencyCacheTtlMs (60000),
     * arcadedb.server.readinessRequiresHA (false), arcadedb.server.readinessHAMaxLag (100),
     * arcadedb.server.httpQueryDefaultLimit (20000).
     */
    public void setSetting(String key, String value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            settings.remove(key);
        } else {
            settings.put(key, value);
        }
        signalLocked();
    }

    public String setting(String key) {
        return settings.get(key);
    }

    public Faults faults() {
        return faults;
    }

    /** The node's log lines so far, across its incarnations. */
    public List<String> log(int ordinal) {
        checkOrdinal(ordinal);
        lock.lock();
        try {
            return List.copyOf(nodes.get(ordinal).logLines);
        } finally {
            lock.unlock();
        }
    }

    /** Rows of {@code type} node i holds in {@code database} (0 if either is missing there). */
    public long rowCount(int ordinal, String database, String type) {
        checkOrdinal(ordinal);
        lock.lock();
        try {
            SimDb d = nodes.get(ordinal).dbs.get(database);
            SimDb.SimType t = d == null ? null : d.types.get(type);
            return t == null ? 0 : t.rows.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean hasDatabase(int ordinal, String database) {
        checkOrdinal(ordinal);
        lock.lock();
        try {
            return nodes.get(ordinal).dbs.containsKey(database);
        } finally {
            lock.unlock();
        }
    }

    /** HTTP requests node i received (including requests forwarded to it by other nodes). */
    public int httpRequests(int ordinal) {
        checkOrdinal(ordinal);
        return nodes.get(ordinal).requests.get();
    }

    public long term() {
        lock.lock();
        try {
            return term;
        } finally {
            lock.unlock();
        }
    }

    public long commitIndex() {
        lock.lock();
        try {
            return commitIndex;
        } finally {
            lock.unlock();
        }
    }

    /** Last Raft log index node i holds. */
    public long lastIndex(int ordinal) {
        checkOrdinal(ordinal);
        lock.lock();
        try {
            return nodes.get(ordinal).lastIndex;
        } finally {
            lock.unlock();
        }
    }

    /** First Raft log index node i still holds (greater than 1 after a purge). */
    public long firstLogIndex(int ordinal) {
        checkOrdinal(ordinal);
        lock.lock();
        try {
            return nodes.get(ordinal).logFirstIndex;
        } finally {
            lock.unlock();
        }
    }

    /** Peer ids of the committed Raft configuration. */
    public Set<String> members() {
        lock.lock();
        try {
            Set<String> out = new LinkedHashSet<>();
            for (int m : members) {
                out.add(nodes.get(m).peerId);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    public boolean isMember(int ordinal) {
        lock.lock();
        try {
            return members.contains(ordinal);
        } finally {
            lock.unlock();
        }
    }

    public Timings timings() {
        return timings;
    }

    public String version() {
        return version.raw;
    }

    /** The root password (for the test code that drives the nodes; never logged). */
    public String rootPassword() {
        return password;
    }

    public void addListener(NodeListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    public void removeListener(NodeListener l) {
        listeners.remove(l);
    }

    /** Unexpected exceptions inside the simulator (should stay empty; tests may assert it). */
    public List<Throwable> internalErrors() {
        return List.copyOf(internalErrors);
    }

    /** Stops every node, the clock and the HTTP threads; frees every port. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        signalLocked();
        for (SimNode n : nodes) {
            syncHttp(n);
        }
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
            httpExecutor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ internals: helpers

    void checkOrdinal(int ordinal) {
        if (ordinal < 0 || ordinal >= nodes.size()) {
            throw new IllegalArgumentException("no node " + ordinal + " (size " + nodes.size() + ")");
        }
    }

    void signal() {
        changed.signalAll();
    }

    void signalLocked() {
        lock.lock();
        try {
            signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits (lock held) for a state change or at most one replication period. Returns false when {@code deadline}
     * (System.nanoTime based) has passed or the simulator is closed.
     */
    boolean awaitUntil(long deadline) {
        if (closed) {
            return false;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        try {
            changed.awaitNanos(Math.min(remaining, timings.replicationDelay().toNanos()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closed;
    }

    /** Sleeps without the lock; false if interrupted or closed. */
    boolean sleepNanos(long nanos) {
        if (nanos <= 0) {
            return !closed;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closed;
    }

    private void locked(Runnable r) {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            r.run();
        } catch (Throwable t) {
            internalErrors.add(t);
        } finally {
            lock.unlock();
        }
    }

    void schedule(Duration d, Runnable task) {
        scheduleNanos(d.toNanos(), task);
    }

    void scheduleNanos(long nanos, Runnable task) {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(() -> locked(task), Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    void log(SimNode n, String level, String cls, String message) {
        n.logLines.add(LocalDateTime.now().format(LOG_TIME) + " " + String.format("%-7s", level) + " [" + cls + "] <"
                + n.serverName + "> " + message);
    }

    String display(int ordinal) {
        return nodes.get(ordinal).serverName + " (" + httpAddressOf(ordinal) + ")";
    }

    String httpAddressOf(int ordinal) {
        return nodes.get(ordinal).host + ":" + declaredHttpPort;
    }

    String raftAddressOf(int ordinal) {
        return nodes.get(ordinal).host + ":" + raftPort;
    }

    Integer ordinalOf(String peerId) {
        if (peerId == null) {
            return null;
        }
        for (SimNode n : nodes) {
            if (n.peerId.equals(peerId)) {
                return n.ordinal;
            }
        }
        return null;
    }

    String clusterName() {
        return settings.getOrDefault("arcadedb.ha.clusterName", "arcadedb");
    }

    long settingLong(String key, long def) {
        String v = settings.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return def;
        }
    }

    boolean settingBool(String key, boolean def) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? def : Boolean.parseBoolean(v.trim());
    }

    long msSetting(String key, Duration derived) {
        return settingLong(key, derived.toMillis());
    }

    long lagWarning() {
        return settingLong("arcadedb.ha.replicationLagWarning", 1000);
    }

    int majority() {
        return members.size() / 2 + 1;
    }

    boolean isAliveLeader(SimNode n) {
        return leader != null && leader == n.ordinal && n.running && n.incarnation == leaderIncarnation;
    }

    Integer aliveLeader() {
        return leader != null && isAliveLeader(nodes.get(leader)) ? leader : null;
    }

    /** Members able to acknowledge appends right now: running and attached (the leader counts itself). */
    int quorumAvailable() {
        int count = 0;
        for (int m : members) {
            SimNode n = nodes.get(m);
            if (isAliveLeader(n)
                    || (n.running && n.online && !n.installing && !faults.isStalled(m) && !faults.isDetached(m) && !faults.isCut(m))) {
                count++;
            }
        }
        return count;
    }

    private int onlineMembers() {
        int count = 0;
        for (int m : members) {
            SimNode n = nodes.get(m);
            if (n.running && n.online && !faults.isCut(m)) {
                count++;
            }
        }
        return count;
    }

    /** Appends an entry without a page version (anything but an insert) to the leader's log (lock held, leader alive). */
    RaftEntry append(RaftEntry.Kind kind, String db, String type, int bucket, String rid, Map<String, Object> fields) {
        return append(kind, db, type, bucket, rid, fields, 0);
    }

    /** Appends an entry to the leader's log (lock held, leader alive); an insert carries its bucket's page version. */
    RaftEntry append(RaftEntry.Kind kind, String db, String type, int bucket, String rid, Map<String, Object> fields,
                     long pageVersion) {
        RaftEntry e = new RaftEntry(raftLog.size() + 1L, term, kind, db, type, bucket, rid, fields, pageVersion);
        raftLog.add(e);
        logBytes.add((logBytes.isEmpty() ? 0 : logBytes.get(logBytes.size() - 1)) + entryBytes(e));
        if (leader != null) {
            nodes.get(leader).lastIndex = raftLog.size();
        }
        if (!ackRoundScheduled) {
            // the leader ships new entries at once (followers append and acknowledge quickly; they apply later)
            ackRoundScheduled = true;
            long ack = Math.max(TimeUnit.MILLISECONDS.toNanos(1), timings.replicationDelay().toNanos() / 10);
            scheduleNanos(ack, () -> {
                ackRoundScheduled = false;
                round();
            });
        }
        return e;
    }

    /**
     * The commit index followers have learned: commits become visible to followers (who then apply) only
     * {@link Timings#replicationDelay()} after the leader committed them.
     */
    private long followerVisibleCommit(long now) {
        long threshold = now - timings.replicationDelay().toNanos();
        while (!commitTimes.isEmpty() && commitTimes.peekFirst()[1] - threshold <= 0) {
            visibleCommit = Math.max(visibleCommit, commitTimes.pollFirst()[0]);
        }
        visibleCommit = Math.min(visibleCommit, commitIndex);
        return visibleCommit;
    }

    /** Entries the leader appended but has not applied yet (lock held). */
    List<RaftEntry> pendingOf(SimNode ln) {
        int from = (int) Math.min(ln.appliedIndex, raftLog.size());
        return raftLog.subList(from, raftLog.size());
    }

    /**
     * The page version of {@code db}.{@code type} on the leader once it has applied its pending entries: the version a
     * new insert into that bucket carries (lock held).
     */
    long projectedPageVersion(SimNode ln, String db, String type) {
        SimDb d = ln.dbs.get(db);
        SimDb.SimType t = d == null ? null : d.types.get(type);
        long version = t == null ? 0 : t.version;
        for (RaftEntry e : pendingOf(ln)) {
            if (e.kind() == RaftEntry.Kind.INSERT && db.equals(e.database()) && type.equals(e.type()) && e.pageVersion() >= version) {
                version = e.pageVersion() + 1;
            }
        }
        return version;
    }

    /**
     * A node in its restart window: it runs and answers HTTP, but its HA plugin has not started (it is not ONLINE), so a
     * command runs on its plain local database. The sim-only setting {@code sim.haStartWindow=false} keeps the window's
     * answers but makes commands wait for HA instead (lock held).
     */
    boolean inRestartWindow(SimNode n) {
        return n.running && !n.online && settingBool("sim.haStartWindow", true);
    }

    /** Ratis' lifecycle state as GET /api/v1/cluster reports it: NEW, then STARTING in the window's second half, then RUNNING. */
    String raftState(SimNode n, long now) {
        if (n.online) {
            return "RUNNING";
        }
        return now - n.startedNanos < timings.haStartDelay().toNanos() / 2 ? "NEW" : "STARTING";
    }

    // ------------------------------------------------------------------ lifecycle (lock held)

    private void startLocked(SimNode n, boolean wipe) {
        n.incarnation++;
        n.running = true;
        n.online = false;
        n.everStarted = true;
        n.scaledDown = false;
        n.installing = false;
        n.swapUntilNanos = 0;
        n.catchingUp = false;
        n.startedNanos = System.nanoTime();
        n.knownLeader = null;
        n.lastNamedLeader = null;
        n.electionCount = 0;
        n.lastElectionTime = 0;
        n.authFailures.clear();
        n.lockedUntilNanos.clear();
        n.idempotency.clear();
        if (wipe) {
            n.wipe();
        }
        n.lastIndex = Math.min(n.lastIndex, raftLog.size());
        n.appliedIndex = Math.min(n.appliedIndex, n.lastIndex);
        n.knownCommit = Math.min(n.knownCommit, n.lastIndex);
        log(n, "INFO", "ArcadeDBServer", "Starting ArcadeDB Server " + version.display() + " with plugins [RaftHAPlugin]"
                + (wipe ? " (empty data and Raft storage)" : ""));
        // the order of a real start: databases, then HTTP, then the plugins; HA starts haStartDelay later (becomeOnline)
        log(n, "INFO", "HttpServer", "- HTTP Server started (host=0.0.0.0 port=" + declaredHttpPort + ")");
        log(n, "INFO", "RaftHAServer", "RaftHAServer configured: cluster='" + clusterName() + "', localPeer='" + n.peerId
                + "', peers=" + Math.max(listSize, n.ordinal + 1));
        int inc = n.incarnation;
        schedule(timings.haStartDelay(), () -> becomeOnline(n, inc));
        signal();
    }

    private void becomeOnline(SimNode n, int inc) {
        if (!n.running || n.incarnation != inc) {
            return;
        }
        n.online = true;
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < Math.max(listSize, n.ordinal + 1); i++) {
            peers.add(display(i));
        }
        log(n, "INFO", "RaftHAServer", "Raft cluster joined: " + peers.size() + " nodes " + peers);
        for (String db : n.dbs.keySet()) {
            log(n, "INFO", "ArcadeDBServer", "Re-wrapped database '" + db + "' with HA wrapper");
        }
        log(n, "INFO", "RaftHAPlugin", "Raft HA plugin started successfully");
        log(n, "INFO", "ArcadeDBServer", "ArcadeDB Server started in 'production' mode (CPUs=2 MAXRAM=1.00GB)");
        boolean member = members.contains(n.ordinal);
        if (version.atLeast268()) {
            scheduleJoin(n, inc, timings.joinDelay());
        } else if (!member && n.lastIndex == 0) {
            log(n, "INFO", "KubernetesAutoJoin", "K8s auto-join: no existing cluster found. Waiting to be added to the cluster");
        }
        if (leader == null) {
            requestElection(timings.electionDelay().minus(timings.haStartDelay()));
        }
        signal();
    }

    private void markStopped(SimNode n) {
        n.running = false;
        n.online = false;
        n.installing = false;
        n.swapUntilNanos = 0;
        n.catchingUp = false;
        if (leader != null && leader == n.ordinal) {
            long t = term;
            int ord = n.ordinal;
            if (n.incarnation == leaderIncarnation) {
                stoppedLeader = ord;
                stoppedLeaderNanos = System.nanoTime();
            }
            schedule(timings.failoverDetection(), () -> {
                if (leader != null && leader == ord && term == t && !isAliveLeader(nodes.get(ord))) {
                    leaderLost();
                    requestElection(timings.leaderNullWindow());
                }
            });
        } else if (leader != null) {
            long t = term;
            schedule(timings.failoverDetection(), () -> quorumCheck(t));
        }
        signal();
    }

    private void quorumCheck(long t) {
        Integer l = aliveLeader();
        if (l == null || term != t || onlineMembers() >= majority()) {
            return;
        }
        log(nodes.get(l), "WARNING", "RaftHAServer", "Lost contact with the majority of the cluster: stepping down");
        leaderLost();
        requestElection(timings.leaderNullWindow());
    }

    /** HTTP server state follows node state: bound iff running, not refused, not closed. */
    void syncHttp(SimNode n) {
        synchronized (n.httpLock) {
            boolean want;
            lock.lock();
            try {
                want = !closed && n.running && !faults.isRefused(n.ordinal);
            } finally {
                lock.unlock();
            }
            if (want && n.server == null) {
                n.server = bind(n);
                int port = n.port;
                listeners.forEach(l -> l.nodeStarted(n.ordinal, port));
            } else if (!want && n.server != null) {
                n.server.stop(0);
                n.server = null;
            }
        }
    }

    private HttpServer bind(SimNode n) {
        BindException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), n.port), 128);
                s.createContext("/", ex -> http.handle(n, ex));
                s.setExecutor(httpExecutor);
                s.start();
                return s;
            } catch (BindException e) {
                last = e;
                sleepNanos(TimeUnit.MILLISECONDS.toNanos(20));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new UncheckedIOException("cannot bind node " + n.ordinal + " to port " + n.port, last);
    }

    /**
     * A process frozen or woken (Faults.freeze): frozen, it is offline for Raft (no rounds, no votes, not counted for
     * the quorum) while its process and leadership record stay, so a frozen leader is lost only once the others' failover
     * detection passes; woken, it is online again as a follower of the current leader and catches up by the leader's
     * rounds.
     */
    void frozenChanged(int ordinal, boolean on) {
        lock.lock();
        try {
            SimNode n = nodes.get(ordinal);
            if (!n.running) {
                return;
            }
            if (on) {
                n.online = false;
                if (leader != null && leader == ordinal) {
                    long t = term;
                    schedule(timings.failoverDetection(), () -> {
                        if (leader != null && leader == ordinal && term == t && faults.isFrozen(ordinal)) {
                            leaderLost();
                            requestElection(timings.leaderNullWindow());
                        }
                    });
                } else if (leader != null) {
                    long t = term;
                    schedule(timings.failoverDetection(), () -> quorumCheck(t));
                }
            } else {
                n.online = true;
                if (leader == null) {
                    requestElection(timings.leaderNullWindow());
                }
            }
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits while the node's process is frozen (false when the simulator closed meanwhile). */
    boolean awaitThawed(SimNode n) {
        while (faults.isFrozen(n.ordinal)) {
            if (closed || !sleepNanos(TimeUnit.MILLISECONDS.toNanos(20))) {
                return false;
            }
        }
        return true;
    }

    void refusedChanged(int ordinal, boolean on) {
        SimNode n = nodes.get(ordinal);
        syncHttp(n);
        if (on) {
            listeners.forEach(l -> l.nodeStopped(ordinal));
        }
    }

    void neverElectChanged(boolean on) {
        lock.lock();
        try {
            if (!on && leader == null) {
                requestElection(timings.failoverDetection());
            }
            signal();
        } finally {
            lock.unlock();
        }
    }

    void faultChanged() {
        signalLocked();
    }

    /**
     * A node cut off or reconnected ({@link Faults#cutOff}). Cut: after the failover detection a cut leader steps down
     * (every node forgets it and the connected majority elects one), a cut follower forgets the leader. Reconnected: the
     * next leader round reaches it again.
     */
    void cutChanged(int ordinal, boolean on) {
        lock.lock();
        try {
            if (on) {
                long t = term;
                schedule(timings.failoverDetection(), () -> {
                    SimNode n = nodes.get(ordinal);
                    if (!faults.isCut(ordinal) || !n.running) {
                        return;
                    }
                    if (leader != null && leader == ordinal && term == t) {
                        log(n, "WARNING", "RaftHAServer", "Lost contact with the majority of the cluster: stepping down");
                        leaderLost();
                        requestElection(timings.leaderNullWindow());
                    } else {
                        notifyLeader(n, null);
                    }
                });
            } else if (leader == null) {
                requestElection(timings.electionDelay());
            }
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a node is cut off from its peers now (lock held or not: the fault set is concurrent). */
    boolean isCut(int ordinal) {
        return faults.isCut(ordinal);
    }

    /** Applies the lose and duplicate faults of node {@code ordinal} to the rows it holds now. */
    void rowFaultsChanged(int ordinal) {
        lock.lock();
        try {
            for (SimDb d : nodes.get(ordinal).dbs.values()) {
                applyRowFaults(ordinal, d);
            }
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the rows the node loses and doubles the rows it duplicates (once); lock held. */
    private void applyRowFaults(int ordinal, SimDb d) {
        for (SimDb.SimType t : d.types.values()) {
            t.rows.removeIf(row -> faults.loses(ordinal, row));
            Map<String, Integer> seen = new HashMap<>();
            List<Map<String, Object>> doubled = new ArrayList<>();
            for (Map<String, Object> row : t.rows) {
                if (faults.duplicates(ordinal, row)) {
                    seen.merge(identity(row), 1, Integer::sum);
                }
            }
            for (Map<String, Object> row : List.copyOf(t.rows)) {
                if (faults.duplicates(ordinal, row) && seen.get(identity(row)) == 1) {
                    doubled.add(duplicateOf(t, row));
                    seen.put(identity(row), 2);
                }
            }
            t.rows.addAll(doubled);
        }
    }

    /** A row's properties without its record id: the duplicate of a row has another rid. */
    private static String identity(Map<String, Object> row) {
        Map<String, Object> props = new LinkedHashMap<>(row);
        props.remove("@rid");
        return props.toString();
    }

    private static Map<String, Object> duplicateOf(SimDb.SimType t, Map<String, Object> row) {
        Map<String, Object> copy = new LinkedHashMap<>(row);
        copy.put("@rid", "#" + t.bucket + ":" + t.nextPos++);
        return copy;
    }

    /** Puts a row that no client ever wrote into the node's copy of {@code database}.{@code type}. */
    void inventRow(int ordinal, String database, String type, String marker) {
        lock.lock();
        try {
            SimDb d = nodes.get(ordinal).dbs.get(database);
            SimDb.SimType t = d == null ? null : d.types.get(type);
            if (t == null) {
                throw new IllegalStateException("node " + ordinal + " has no type " + type + " in database " + database);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("@rid", "#" + t.bucket + ":" + t.nextPos++);
            row.put("@type", type);
            row.put("@cat", "d");
            row.put("marker", marker);
            t.rows.add(row);
            signal();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ elections (lock held)

    void requestElection(Duration delay) {
        long nanos = Math.max(0, delay.toNanos());
        long at = System.nanoTime() + nanos;
        if (electionPending && pendingElectionAt - at <= 0) {
            return;
        }
        electionPending = true;
        pendingElectionAt = at;
        long token = ++electionToken;
        scheduleNanos(nanos, () -> {
            if (token == electionToken) {
                electionPending = false;
                electionAttempt();
            }
        });
    }

    private void electionAttempt() {
        if (leader != null || faults.isNeverElect()) {
            return;
        }
        SimNode best = null;
        int up = 0;
        for (int m : members) {
            SimNode n = nodes.get(m);
            if (!n.running || !n.online || faults.isCut(m)) {
                continue;
            }
            up++;
            if (best == null || n.lastIndex > best.lastIndex) {
                best = n;
            }
        }
        if (best == null || up < majority()) {
            return;
        }
        SimNode back = restartedLeader(best.lastIndex);
        elect(back != null ? back.ordinal : best.ordinal);
    }

    /**
     * The leader that stopped (crash or graceful) and was running again within the failover detection, if its log is
     * as long as the longest: on real 26.8.1 servers such a node won the next election (in a higher term) 4 of 4
     * times (arcadedb-local-processes.md). Setting sim.restartedLeaderWins=false restores "the longest log, lowest
     * ordinal wins".
     */
    private SimNode restartedLeader(long longest) {
        if (stoppedLeader == null || !settingBool("sim.restartedLeaderWins", true) || !members.contains(stoppedLeader)) {
            return null;
        }
        SimNode n = nodes.get(stoppedLeader);
        boolean backInTime = n.startedNanos - stoppedLeaderNanos <= timings.failoverDetection().toNanos();
        return n.running && n.online && backInTime && n.lastIndex >= longest ? n : null;
    }

    void elect(int c) {
        SimNode cn = nodes.get(c);
        stoppedLeader = null;
        electionPending = false;
        electionToken++;
        term++;
        while (raftLog.size() > cn.lastIndex) {
            raftLog.remove(raftLog.size() - 1);
            logBytes.remove(logBytes.size() - 1);
        }
        for (SimNode n : nodes) {
            n.lastIndex = Math.min(n.lastIndex, raftLog.size());
            n.knownCommit = Math.min(n.knownCommit, n.lastIndex);
            n.appliedIndex = Math.min(n.appliedIndex, n.lastIndex);
        }
        commitIndex = Math.min(commitIndex, raftLog.size());
        visibleCommit = Math.min(visibleCommit, commitIndex);
        commitTimes.removeIf(ct -> ct[0] > commitIndex);
        leader = c;
        leaderIncarnation = cn.incarnation;
        leaderSinceNanos = System.nanoTime();
        leaderReady = false;
        view = new LeaderView(c, term, leaderSinceNanos);
        noopIndex = append(RaftEntry.Kind.NOOP, null, null, 0, null, null).index();
        notifyLeader(cn, c);
        long t = term;
        schedule(timings.unknownWindow(), () -> statusTick(t));
        logTable(cn);
        signal();
    }

    /** Every running node forgets the leader (election in progress). */
    void leaderLost() {
        leader = null;
        view = null;
        leaderReady = false;
        for (SimNode n : nodes) {
            if (n.running) {
                notifyLeader(n, null);
            }
        }
        signal();
    }

    void notifyLeader(SimNode n, Integer l) {
        if (Objects.equals(n.knownLeader, l)) {
            return;
        }
        n.knownLeader = l;
        n.electionCount++;
        n.lastElectionTime = System.currentTimeMillis();
        if (l == null) {
            return;
        }
        Integer previous = n.lastNamedLeader;
        n.lastNamedLeader = l;
        if (previous == null || previous.equals(l)) {
            log(n, "INFO", "ArcadeStateMachine", "Leader elected: " + display(l) + " (term=" + term + ")");
        } else {
            log(n, "INFO", "ArcadeStateMachine", "Leader changed: " + display(previous) + " -> " + display(l) + " (term=" + term + ")");
        }
        if (l == n.ordinal) {
            log(n, "INFO", "ArcadeStateMachine", "This node is now LEADER");
        } else {
            log(n, "INFO", "ArcadeStateMachine", "This node is now REPLICA (leader: " + display(l) + ")");
        }
    }

    // ------------------------------------------------------------------ membership (lock held)

    /** Adds a member through the alive leader; returns the configuration entry. */
    RaftEntry addMember(int ordinal, String address) {
        SimNode ln = nodes.get(leader);
        members.add(ordinal);
        RaftEntry e = append(RaftEntry.Kind.CONFIG, null, null, 0, null, null);
        log(ln, "INFO", "RaftClusterManager", "Peer " + nodes.get(ordinal).peerId + " added to Raft cluster at "
                + (address == null ? raftAddressOf(ordinal) : address));
        logTable(ln);
        signal();
        return e;
    }

    void removeMember(int ordinal) {
        Integer l = aliveLeader();
        members.remove(ordinal);
        if (l != null) {
            SimNode ln = nodes.get(l);
            append(RaftEntry.Kind.CONFIG, null, null, 0, null, null);
            log(ln, "INFO", "RaftClusterManager", "Peer " + nodes.get(ordinal).peerId + " removed from Raft cluster");
            if (view != null) {
                view.tracks.remove(ordinal);
            }
            if (l != ordinal) {
                logTable(ln);
            }
        }
        SimNode rn = nodes.get(ordinal);
        if (l != null && l == ordinal) {
            leaderLost();
            requestElection(timings.leaderNullWindow());
        } else if (rn.running) {
            int inc = rn.incarnation;
            schedule(timings.failoverDetection(), () -> {
                if (!members.contains(ordinal) && rn.running && rn.incarnation == inc) {
                    notifyLeader(rn, null);
                }
            });
        }
        signal();
    }

    private void scheduleJoin(SimNode n, int inc, Duration delay) {
        schedule(delay, () -> {
            if (!n.running || n.incarnation != inc) {
                return;
            }
            boolean verbose = settingLong("arcadedb.ha.logVerbose", 0) >= 1;
            if (members.contains(n.ordinal)) {
                if (verbose) {
                    log(n, "INFO", "KubernetesAutoJoin", "[HA-1] K8s auto-join: already a member of the cluster");
                }
                return;
            }
            Integer l = aliveLeader();
            if (l != null && nodes.get(l).online) {
                addMember(n.ordinal, null);
                if (verbose) {
                    log(n, "INFO", "KubernetesAutoJoin", "[HA-1] K8s auto-join: successfully joined cluster via atomic add");
                }
                return;
            }
            log(n, "WARNING", "KubernetesAutoJoin", "K8s auto-join: could not join an existing cluster; probe failures per peer: "
                    + "{no leader available}");
            Duration next = delay.multipliedBy(2);
            Duration cap = timings.joinDelay().multipliedBy(8);
            scheduleJoin(n, inc, next.compareTo(cap) > 0 ? cap : next);
        });
    }

    // ------------------------------------------------------------------ transfer (called without the lock)

    enum TransferOutcome { OK, FAILED, NOT_LEADER, NO_TARGET }

    record TransferResult(TransferOutcome outcome, Integer newLeader) {
    }

    /**
     * Moves leadership like Ratis' transferLeadership: {@code targetPeerId} null/empty = untargeted (only on the leader).
     * Blocks for about {@link Timings#transferDelay()} (longer if the target must catch up, bounded by timeoutMs).
     */
    TransferResult transfer(SimNode via, String targetPeerId, long timeoutMs, boolean stepdown) {
        final int from;
        final int target;
        final long startTerm;
        final long start = System.nanoTime();
        boolean failSlowly = false;
        lock.lock();
        try {
            if (targetPeerId != null && !targetPeerId.isEmpty()) {
                Integer t = ordinalOf(targetPeerId);
                if (t == null || !members.contains(t)) {
                    return new TransferResult(TransferOutcome.FAILED, null);
                }
                Integer cur = aliveLeader();
                if (cur == null) {
                    failSlowly = true;
                    from = -1;
                } else if (cur.equals(t)) {
                    return new TransferResult(TransferOutcome.OK, t);
                } else {
                    from = cur;
                }
                target = t;
            } else {
                if (!isAliveLeader(via)) {
                    return new TransferResult(TransferOutcome.NOT_LEADER, null);
                }
                from = via.ordinal;
                Integer t = pickTransferTarget(from, stepdown);
                if (t == null) {
                    failSlowly = true;
                    target = -1;
                } else {
                    target = t;
                }
            }
            if (!failSlowly) {
                if (transferInProgress) {
                    return new TransferResult(TransferOutcome.FAILED, null);
                }
                transferInProgress = true;
                log(nodes.get(from), "INFO", "RaftClusterManager", "Transferring leadership to " + nodes.get(target).peerId
                        + " (timeout=" + timeoutMs + " ms)");
            }
            startTerm = term;
        } finally {
            lock.unlock();
        }
        if (failSlowly) {
            sleepNanos(timings.transferDelay().toNanos());
            return new TransferResult(target < 0 ? TransferOutcome.NO_TARGET : TransferOutcome.FAILED, null);
        }
        try {
            if (!sleepNanos(timings.transferDelay().toNanos())) {
                return new TransferResult(TransferOutcome.FAILED, null);
            }
            lock.lock();
            try {
                if (faults.isIgnoreTransfer()) {
                    return new TransferResult(TransferOutcome.OK, target);
                }
                long deadline = start + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs));
                while (true) {
                    if (term != startTerm || !isAliveLeader(nodes.get(from))) {
                        Integer cur = aliveLeader();
                        return new TransferResult(cur != null && cur == target ? TransferOutcome.OK : TransferOutcome.FAILED, cur);
                    }
                    if (transferable(nodes.get(target))) {
                        break;
                    }
                    if (!awaitUntil(deadline)) {
                        return new TransferResult(TransferOutcome.FAILED, null);
                    }
                }
                leaderLost();
            } finally {
                lock.unlock();
            }
            sleepNanos(timings.leaderNullWindow().toNanos());
            lock.lock();
            try {
                SimNode tn = nodes.get(target);
                if (leader == null && tn.running && tn.online && members.contains(target) && !closed) {
                    elect(target);
                    log(nodes.get(from), "INFO", "RaftClusterManager", "Leadership transferred to " + tn.peerId);
                    return new TransferResult(TransferOutcome.OK, target);
                }
                if (leader == null) {
                    requestElection(Duration.ZERO);
                }
                return new TransferResult(TransferOutcome.FAILED, null);
            } finally {
                lock.unlock();
            }
        } finally {
            lock.lock();
            try {
                transferInProgress = false;
                signal();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean transferable(SimNode tn) {
        int o = tn.ordinal;
        return tn.running && tn.online && members.contains(o) && !faults.isStalled(o) && !faults.isDetached(o) && !faults.isCut(o)
                && !tn.installing && tn.lastIndex >= commitIndex;
    }

    private Integer pickTransferTarget(int from, boolean stepdown) {
        SimNode best = null;
        for (int m : members) {
            if (m == from) {
                continue;
            }
            SimNode n = nodes.get(m);
            if (!n.running || !n.online || faults.isStalled(m) || faults.isDetached(m) || faults.isCut(m) || n.installing) {
                continue;
            }
            if (stepdown && commitIndex - n.lastIndex > lagWarning()) {
                continue;
            }
            if (best == null || n.lastIndex > best.lastIndex) {
                best = n;
            }
        }
        return best == null ? null : best.ordinal;
    }

    // ------------------------------------------------------------------ replication (lock held)

    /** One leader round: heartbeat + append to every reachable member, advance the commit index, apply. */
    private void round() {
        if (leader == null) {
            return;
        }
        SimNode ln = nodes.get(leader);
        if (!isAliveLeader(ln) || !ln.online || view == null) {
            return;
        }
        long now = System.nanoTime();
        long leaderLast = raftLog.size();
        ln.lastIndex = leaderLast;
        long commitAtStart = followerVisibleCommit(now);
        long catchUpThreshold = settingLong("arcadedb.ha.resyncCatchupLagThreshold", 1000);
        for (int f : members) {
            if (f == leader) {
                continue;
            }
            SimNode fn = nodes.get(f);
            FollowerTrack t = view.track(f);
            if (!fn.running || !fn.online || faults.isCut(f)) {
                continue;
            }
            fn.lastContactNanos = now;
            fn.rttMs = 0.4 + random.nextDouble() * 0.6;
            fn.rttP99Ms = fn.rttMs + 0.8 + random.nextDouble() * 1.5;
            t.rttSampled = true;
            notifyLeader(fn, leader);
            if (faults.isDetached(f)) {
                t.knownMatch = leaderLast; // what the leader reports (the lie) ...
                t.ackedMatch = fn.lastIndex; // ... and what really counts for the commit
                continue;
            }
            if (fn.installing) {
                t.knownMatch = fn.lastIndex;
                t.ackedMatch = fn.lastIndex;
                continue;
            }
            boolean stalled = faults.isStalled(f);
            if (!stalled && fn.lastIndex < leaderLast) {
                if (fn.lastIndex + 1 < ln.logFirstIndex) {
                    t.knownMatch = fn.lastIndex;
                    t.ackedMatch = fn.lastIndex;
                    beginSnapshotInstall(fn, ln);
                    continue;
                }
                long backlog = commitAtStart - fn.appliedIndex;
                if (!fn.catchingUp && backlog > catchUpThreshold) {
                    fn.catchingUp = true;
                    fn.catchUpStartNanos = now;
                    log(fn, "INFO", "FollowerResyncProgressTracker", "HA resync started (mode=catch-up): " + backlog
                            + " entries to apply (applied=" + fn.appliedIndex + ", committed=" + commitAtStart + ")");
                }
                fn.lastIndex = Math.min(leaderLast, fn.lastIndex + APPEND_BATCH);
            }
            t.knownMatch = fn.lastIndex;
            t.ackedMatch = fn.lastIndex;
            if (!stalled) {
                fn.knownCommit = Math.max(fn.knownCommit, Math.min(commitAtStart, fn.lastIndex));
                applyUpTo(fn);
            }
            if (fn.catchingUp && fn.appliedIndex >= commitAtStart) {
                fn.catchingUp = false;
                log(fn, "INFO", "FollowerResyncProgressTracker", "HA resync finished (mode=catch-up, duration="
                        + TimeUnit.NANOSECONDS.toMillis(now - fn.catchUpStartNanos) + "ms, result=ok): applied=" + fn.appliedIndex);
            }
        }
        if (members.contains(leader)) {
            List<Long> acks = new ArrayList<>();
            for (int m : members) {
                acks.add(m == leader ? leaderLast : Math.max(0, view.track(m).ackedMatch));
            }
            acks.sort(Collections.reverseOrder());
            long candidate = acks.get(majority() - 1);
            if (candidate > commitIndex && raftLog.get((int) candidate - 1).term() == term) {
                commitIndex = candidate;
                commitTimes.addLast(new long[] {candidate, System.nanoTime()});
            }
        }
        ln.knownCommit = commitIndex;
        applyUpTo(ln);
        if (!leaderReady && commitIndex >= noopIndex) {
            leaderReady = true;
        }
        signal();
    }

    private void applyUpTo(SimNode n) {
        long target = Math.min(Math.min(n.knownCommit, n.lastIndex), raftLog.size());
        while (n.appliedIndex < target) {
            applyEntry(n, raftLog.get((int) n.appliedIndex));
            n.appliedIndex++;
        }
        long threshold = settingLong("arcadedb.ha.snapshotThreshold", 100000);
        if (threshold > 0 && n.appliedIndex - n.snapshotIndex >= threshold) {
            n.snapshotIndex = n.appliedIndex;
            long gap = settingLong("arcadedb.ha.logPurgeGap", 1024);
            if (settingBool("arcadedb.ha.logPurgeUptoSnapshot", true) && n.snapshotIndex - n.lastPurgeIndex >= gap) {
                long closedEnd = lastClosedSegmentEnd(n.snapshotIndex);
                if (closedEnd >= n.logFirstIndex) {
                    n.lastPurgeIndex = closedEnd;
                    n.logFirstIndex = closedEnd + 1;
                    log(n, "INFO", "SegmentedRaftLog", "Purged Raft log segments up to index " + closedEnd
                            + " (snapshot index " + n.snapshotIndex + ")");
                }
            }
        }
    }

    /** Rough size of one entry in the Raft log: a fixed overhead plus the row's property names and values. */
    static long entryBytes(RaftEntry e) {
        long bytes = 256;
        if (e.fields() != null) {
            for (Map.Entry<String, Object> f : e.fields().entrySet()) {
                bytes += f.getKey().length() + String.valueOf(f.getValue()).length();
            }
        }
        return bytes;
    }

    /** arcadedb.ha.logSegmentSize in bytes ("64MB" default; KB, MB, GB are powers of 1024; a bare number is bytes). */
    long segmentSize() {
        String v = settings.getOrDefault("arcadedb.ha.logSegmentSize", "64MB").trim().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        for (String[] u : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (v.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                v = v.substring(0, v.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            return Math.max(1, (long) (Double.parseDouble(v) * unit));
        } catch (NumberFormatException e) {
            return 64L * 1048576;
        }
    }

    /**
     * The last index of the last closed log segment that ends at or before {@code upTo} (0 if none): a segment closes
     * when its entries reach arcadedb.ha.logSegmentSize bytes, and Ratis purges only whole closed segments. Segment
     * boundaries are computed over the one shared log, the same on every node.
     */
    long lastClosedSegmentEnd(long upTo) {
        long size = segmentSize();
        long segmentStartBytes = 0;
        long end = 0;
        long limit = Math.min(upTo, logBytes.size());
        for (int i = 0; i < limit; i++) {
            long cumulative = logBytes.get(i);
            if (cumulative - segmentStartBytes >= size) {
                end = i + 1L;
                segmentStartBytes = cumulative;
            }
        }
        return end;
    }

    /** Closed log segments so far (over the whole log). */
    public int closedLogSegments() {
        lock.lock();
        try {
            long size = segmentSize();
            long segmentStartBytes = 0;
            int closed = 0;
            for (long cumulative : logBytes) {
                if (cumulative - segmentStartBytes >= size) {
                    closed++;
                    segmentStartBytes = cumulative;
                }
            }
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void applyEntry(SimNode n, RaftEntry e) {
        long idx = e.index();
        switch (e.kind()) {
            case NOOP, CONFIG -> {
            }
            case CREATE_DATABASE -> {
                if (!n.dbs.containsKey(e.database())) {
                    SimDb d = new SimDb(e.database());
                    d.lastTxId = idx;
                    n.dbs.put(d.name, d);
                }
            }
            case DROP_DATABASE -> {
                SimDb d = n.dbs.get(e.database());
                if (d != null && d.lastTxId < idx) {
                    n.dbs.remove(e.database());
                }
            }
            case CREATE_TYPE -> {
                SimDb d = n.dbs.get(e.database());
                if (d != null && d.lastTxId < idx) {
                    d.types.putIfAbsent(e.type(), new SimDb.SimType(e.type(), e.bucket()));
                    d.lastTxId = idx;
                }
            }
            case INSERT -> {
                SimDb d = n.dbs.get(e.database());
                if (d != null && d.lastTxId < idx) {
                    SimDb.SimType t = d.types.get(e.type());
                    if (t != null && e.pageVersion() < t.version) {
                        // the page is already past this version (its own window commits moved it): taken as applied, the
                        // leader's row is silently not there (seen on 26.8.1: a restarted follower lacked as many of the
                        // leader's rows as it had committed in its window)
                        d.lastTxId = idx;
                        return;
                    }
                    if (t != null && e.pageVersion() > t.version && !isAliveLeader(n) && !resyncing) {
                        walVersionGap(n, d, t, e);
                        return;
                    }
                    if (t != null) {
                        t.version = e.pageVersion() + 1;
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("@rid", e.rid());
                        row.put("@type", e.type());
                        row.put("@cat", "d");
                        row.putAll(e.fields());
                        if (!faults.loses(n.ordinal, row)) {
                            t.rows.add(row);
                            if (faults.duplicates(n.ordinal, row)) {
                                t.rows.add(duplicateOf(t, row));
                            }
                        }
                        long pos = Long.parseLong(e.rid().substring(e.rid().indexOf(':') + 1));
                        t.nextPos = Math.max(t.nextPos, pos + 1);
                    }
                    d.lastTxId = idx;
                }
            }
            default -> throw new IllegalStateException("unknown entry kind " + e.kind());
        }
    }

    /**
     * A follower whose page is behind the version a replicated insert expects (its leader committed rows in its own
     * restart window): as on 26.8.1 it logs the gap and reinstalls the database from the leader, then applies what it has
     * reached beyond the leader's copy. Lock held; a leader is alive (followers apply only in the leader's rounds).
     */
    private void walVersionGap(SimNode n, SimDb d, SimDb.SimType t, RaftEntry e) {
        log(n, "SEVERE", "ArcadeStateMachine", "WAL version gap on follower - state divergence detected, triggering snapshot resync (db="
                + d.name + ", txId=" + e.index() + "): Cannot apply changes to the database because modified page PageId(" + d.name + "/"
                + t.bucket + "/0) version in WAL (" + e.pageVersion() + ") does not match with existent version (" + t.version
                + ") fileId=" + t.bucket);
        SimNode ln = nodes.get(aliveLeader());
        SimDb source = ln.dbs.get(d.name);
        if (source == null) {
            return;
        }
        SimDb copy = source.copy();
        applyRowFaults(n.ordinal, copy);
        n.dbs.put(copy.name, copy);
        log(ln, "INFO", "SnapshotHttpHandler", "Serving database snapshot for '" + d.name + "'...");
        resyncing = true;
        try {
            for (long i = copy.lastTxId + 1; i <= e.index(); i++) {
                RaftEntry later = raftLog.get((int) i - 1);
                if (d.name.equals(later.database())) {
                    applyEntry(n, later);
                }
            }
        } finally {
            resyncing = false;
        }
        log(n, "INFO", "ArcadeStateMachine", "Snapshot resync completed: reinstalled 1 database(s) from the leader; diverged state cleared");
    }

    /**
     * Commits a command on a node's own database in its restart window, as the real server does before its HA plugin
     * wraps the database: the row gets a local rid and moves the page version, nothing is replicated (lock held).
     * Returns the row, or null when the type does not exist there.
     */
    Map<String, Object> localInsert(SimNode n, SimDb d, String type, Map<String, Object> values) {
        SimDb.SimType t = d.types.get(type);
        if (t == null) {
            return null;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("@rid", "#" + t.bucket + ":" + t.nextPos++);
        row.put("@type", type);
        row.put("@cat", "d");
        row.putAll(values);
        t.version++;
        if (!faults.loses(n.ordinal, row)) {
            t.rows.add(row);
        }
        signal();
        return row;
    }

    // ------------------------------------------------------------------ snapshot install (lock held)

    private void beginSnapshotInstall(SimNode fn, SimNode ln) {
        fn.installing = true;
        int inc = fn.incarnation;
        int leaderOrd = ln.ordinal;
        long leaderTerm = term;
        String from = httpAddressOf(leaderOrd);
        long firstTerm = ln.logFirstIndex <= raftLog.size() ? raftLog.get((int) ln.logFirstIndex - 1).term() : term;
        log(fn, "INFO", "ArcadeStateMachine", "HA resync started (mode=snapshot, reason=leader snapshot install): firstLogIndex=(t:"
                + firstTerm + ", i:" + ln.logFirstIndex + ")");
        for (String db : ln.dbs.keySet()) {
            // 26.8.1 logs "Acquiring" for a database the node does not have (a wiped node), "Installing snapshot" otherwise
            log(fn, "INFO", "DatabaseReconciler", (fn.dbs.containsKey(db) ? "Installing snapshot for database '" + db + "'"
                    : "Acquiring database '" + db + "'") + " from leader " + from + "...");
            log(ln, "INFO", "SnapshotHttpHandler", "Serving database snapshot for '" + db + "'...");
        }
        long total = timings.snapshotInstallDelay().toNanos();
        long swap = Math.max(TimeUnit.MILLISECONDS.toNanos(1), total / 10);
        scheduleNanos(total - swap, () -> {
            if (fn.running && fn.incarnation == inc && fn.installing) {
                fn.swapUntilNanos = System.nanoTime() + swap;
                if (fn.swapUntilNanos == 0) {
                    fn.swapUntilNanos = 1;
                }
            }
        });
        scheduleNanos(total, () -> finishSnapshotInstall(fn, inc, leaderOrd, leaderTerm));
    }

    private void finishSnapshotInstall(SimNode fn, int inc, int leaderOrd, long leaderTerm) {
        if (!fn.running || fn.incarnation != inc) {
            return;
        }
        fn.installing = false;
        fn.swapUntilNanos = 0;
        SimNode ln = nodes.get(leaderOrd);
        if (!isAliveLeader(ln) || term != leaderTerm) {
            log(fn, "SEVERE", "ArcadeStateMachine", "Error during snapshot installation from leader");
            signal();
            return;
        }
        fn.dbs.clear();
        for (SimDb d : ln.dbs.values()) {
            SimDb copy = d.copy();
            applyRowFaults(fn.ordinal, copy);
            fn.dbs.put(copy.name, copy);
        }
        long snap = ln.snapshotIndex;
        fn.lastIndex = snap;
        fn.appliedIndex = snap;
        fn.snapshotIndex = snap;
        fn.lastPurgeIndex = snap;
        fn.logFirstIndex = snap + 1;
        fn.knownCommit = snap;
        log(fn, "INFO", "ArcadeStateMachine", "HA resync finished (mode=snapshot, result=ok): snapshotIndex=" + snap);
        signal();
    }

    /** A manual resync of one database from the leader (POST /api/v1/cluster/resync/{db}); lock held. */
    boolean copyDatabaseFromLeader(SimNode fn, int leaderOrd, String db) {
        SimNode ln = nodes.get(leaderOrd);
        SimDb d = ln.dbs.get(db);
        if (d == null || !isAliveLeader(ln)) {
            return false;
        }
        SimDb copy = d.copy();
        applyRowFaults(fn.ordinal, copy);
        fn.dbs.put(db, copy);
        signal();
        return true;
    }

    // ------------------------------------------------------------------ replica status (lock held)

    static final class LeaderView {
        final int leader;
        final long term;
        final long sinceNanos;
        final Map<Integer, FollowerTrack> tracks = new HashMap<>();

        LeaderView(int leader, long term, long sinceNanos) {
            this.leader = leader;
            this.term = term;
            this.sinceNanos = sinceNanos;
        }

        FollowerTrack track(int ordinal) {
            return tracks.computeIfAbsent(ordinal, k -> new FollowerTrack());
        }
    }

    static final class FollowerTrack {
        /** matchIndex as the leader reports it. */
        long knownMatch = -1;
        /** matchIndex that really counts for the commit (differs from knownMatch only for a detached follower). */
        long ackedMatch = -1;
        String status = STATUS_UNKNOWN;
        boolean tickRecorded;
        long prevMatch;
        long prevCommit;
        long prevLag;
        long nonHealthySinceNanos = -1;
        long neverAppendedSinceNanos = -1;
        boolean rttSampled;
    }

    private void statusTick(long t) {
        if (view == null || view.term != t || leader == null) {
            return;
        }
        SimNode ln = nodes.get(leader);
        if (!isAliveLeader(ln)) {
            return;
        }
        long now = System.nanoTime();
        boolean changedAny = false;
        for (int f : members) {
            if (f == leader) {
                continue;
            }
            FollowerTrack tr = view.track(f);
            String st = classify(f, tr, now);
            long match = tr.knownMatch;
            tr.prevMatch = match;
            tr.prevCommit = commitIndex;
            tr.prevLag = match < 0 ? -1 : Math.max(0, commitIndex - match);
            tr.tickRecorded = true;
            if (STATUS_HEALTHY.equals(st) || STATUS_UNKNOWN.equals(st)) {
                tr.nonHealthySinceNanos = -1;
            } else if (tr.nonHealthySinceNanos < 0) {
                tr.nonHealthySinceNanos = now;
            }
            if (!st.equals(tr.status)) {
                changedAny = true;
                tr.status = st;
            }
        }
        if (changedAny) {
            logTable(ln);
        }
        schedule(timings.statusTick(), () -> statusTick(t));
    }

    private String classify(int f, FollowerTrack tr, long now) {
        long threshold = lagWarning();
        long match = tr.knownMatch;
        long lag = match < 0 ? -1 : Math.max(0, commitIndex - match);
        long effectiveLag = Math.max(0, lag);
        SimNode fn = nodes.get(f);
        if (version.atLeast268()) {
            if (match < 0 && commitIndex > 0) {
                if (tr.neverAppendedSinceNanos < 0) {
                    tr.neverAppendedSinceNanos = now;
                }
                long grace = msSetting("arcadedb.ha.stalledReplicaResyncDurationMs", timings.stalledGrace());
                if (grace <= 0) {
                    grace = Math.min(30000, timings.stalledGrace().toMillis() / 2);
                }
                if (TimeUnit.NANOSECONDS.toMillis(now - tr.neverAppendedSinceNanos) >= grace) {
                    return STATUS_STALLED;
                }
            } else {
                tr.neverAppendedSinceNanos = -1;
            }
            long unreachable = msSetting("arcadedb.ha.peerUnreachableThreshold", timings.peerUnreachableThreshold());
            long contactAge = TimeUnit.NANOSECONDS.toMillis(now - (fn.lastContactNanos < 0 ? view.sinceNanos : fn.lastContactNanos));
            if (unreachable > 0 && effectiveLag <= threshold && contactAge >= unreachable) {
                return STATUS_STALLED;
            }
        }
        if (effectiveLag <= threshold) {
            return STATUS_HEALTHY;
        }
        if (tr.tickRecorded && match <= tr.prevMatch && commitIndex > tr.prevCommit) {
            return STATUS_STALLED;
        }
        if (tr.tickRecorded && lag > tr.prevLag) {
            return STATUS_FALLING_BEHIND;
        }
        return STATUS_CATCHING_UP;
    }

    /** The leader's WARNING table of the live configuration. */
    void logTable(SimNode ln) {
        log(ln, "WARNING", "RaftClusterStatusExporter", "CLUSTER CONFIGURATION (term=" + term + ", commitIndex=" + commitIndex + ")");
        boolean v8 = version.atLeast268();
        ln.logLines.add(v8 ? "SERVER | ADDRESS | ROLE | LAG | RTT | LAST CONTACT | STATUS" : "SERVER | ADDRESS | ROLE | LAG | LATENCY | STATUS");
        long now = System.nanoTime();
        for (int m : members) {
            SimNode n = nodes.get(m);
            String addr = raftAddressOf(m);
            if (leader != null && m == leader) {
                ln.logLines.add(display(m) + " | " + addr + " | Leader | - | -" + (v8 ? " | -" : "") + " | -");
                continue;
            }
            FollowerTrack tr = view == null ? new FollowerTrack() : view.track(m);
            String lag = tr.knownMatch < 0 ? "-" : String.valueOf(Math.max(0, commitIndex - tr.knownMatch));
            String rtt = tr.rttSampled ? String.format("%.2fms", n.rttMs) : "-";
            String contact = n.lastContactNanos < 0 ? "-" : TimeUnit.NANOSECONDS.toMillis(now - n.lastContactNanos) + "ms";
            ln.logLines.add(display(m) + " | " + addr + " | Follower | " + lag + " | " + rtt + (v8 ? " | " + contact : "")
                    + " | " + tr.status);
        }
        if (members.size() != listSize) {
            ln.logLines.add("NOTE: " + members.size() + " of " + listSize + " configured servers are in the committed membership");
        }
    }
}
