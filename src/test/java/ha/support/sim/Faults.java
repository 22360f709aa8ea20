package ha.support.sim;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults injected into a {@link ClusterSimulator}; every switch works at runtime and is thread-safe.
 * Faults belong to a node slot and survive restarts of that node until switched off.
 */
public final class Faults {
    private final ClusterSimulator sim;
    private final Set<Integer> refused = ConcurrentHashMap.newKeySet();
    private final Set<Integer> notStarted = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Duration> slow = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> held = new ConcurrentHashMap<>();
    /** per node: high 32 bits = remaining count, low 32 bits = status. */
    private final Map<Integer, AtomicLong> failNext = new ConcurrentHashMap<>();
    private final Set<Integer> disagree = ConcurrentHashMap.newKeySet();
    private final Set<Integer> stalled = ConcurrentHashMap.newKeySet();
    private final Set<Integer> detached = ConcurrentHashMap.newKeySet();
    private final Set<Integer> frozen = ConcurrentHashMap.newKeySet();
    private final Set<Integer> cutOff = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Set<String>> lostMarkers = new ConcurrentHashMap<>();
    private final Map<Integer, Set<String>> duplicatedMarkers = new ConcurrentHashMap<>();
    private volatile boolean neverElect;
    private volatile boolean rejectTransfer;
    private volatile boolean ignoreTransfer;
    private volatile boolean wrongPeerIds;

    Faults(ClusterSimulator sim) {
        this.sim = sim;
    }

    /** The node's HTTP port is closed (connection refused) while its Raft state carries on. */
    public void refuseConnections(int ordinal, boolean on) {
        sim.checkOrdinal(ordinal);
        if (on ? refused.add(ordinal) : refused.remove(ordinal)) {
            sim.refusedChanged(ordinal, on);
        }
    }

    /** GET /api/v1/cluster answers 503 {"error":"Raft HA not started yet"} and /api/v1/ready answers 503. */
    public void notStarted(int ordinal, boolean on) {
        sim.checkOrdinal(ordinal);
        toggle(notStarted, ordinal, on);
    }

    /** Every answer of the node is delayed by {@code delay} ({@link Duration#ZERO} switches it off). */
    public void slow(int ordinal, Duration delay) {
        sim.checkOrdinal(ordinal);
        Objects.requireNonNull(delay, "delay");
        if (delay.isZero() || delay.isNegative()) {
            slow.remove(ordinal);
        } else {
            slow.put(ordinal, delay);
        }
    }

    /** The next {@code count} requests on that node answer {@code status} with an ArcadeDB error body. */
    public void failNext(int ordinal, int count, int status) {
        sim.checkOrdinal(ordinal);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 4xx or 5xx: " + status);
        }
        failNext.computeIfAbsent(ordinal, k -> new AtomicLong()).set(((long) Math.max(0, count) << 32) | status);
    }

    /** The node reports a leaderId of a different peer than the leader it really follows. */
    public void disagreeOnLeader(int ordinal, boolean on) {
        sim.checkOrdinal(ordinal);
        toggle(disagree, ordinal, on);
    }

    /** No leader is elected while on (a running leader keeps its role; once it is gone none follows). */
    public void neverElect(boolean on) {
        neverElect = on;
        sim.neverElectChanged(on);
    }

    /**
     * The follower stops appending: it still answers heartbeats, holds its old data, and the leader sees its lag grow
     * (STALLED / FALLING_BEHIND per the status rules once the lag exceeds arcadedb.ha.replicationLagWarning).
     */
    public void stallFollower(int ordinal, boolean on) {
        sim.checkOrdinal(ordinal);
        toggle(stalled, ordinal, on);
        sim.faultChanged();
    }

    /** The follower silently stops receiving entries while the leader keeps reporting it caught up and HEALTHY. */
    public void detachFollower(int ordinal, boolean on) {
        sim.checkOrdinal(ordinal);
        toggle(detached, ordinal, on);
        sim.faultChanged();
    }

    /**
     * The node drops every row one of whose property values equals {@code marker}: rows it already holds and rows it
     * applies later (an acknowledged row missing on one node). {@code null} forgets all markers of that node.
     */
    public void loseRow(int ordinal, String marker) {
        sim.checkOrdinal(ordinal);
        if (marker == null) {
            lostMarkers.remove(ordinal);
            return;
        }
        lostMarkers.computeIfAbsent(ordinal, k -> ConcurrentHashMap.newKeySet()).add(marker);
        sim.rowFaultsChanged(ordinal);
    }

    /** {@link #loseRow} on every node slot there is now: an acknowledged row lost cluster-wide. */
    public void loseRowEverywhere(String marker) {
        for (int i = 0; i < sim.size(); i++) {
            loseRow(i, marker);
        }
    }

    /**
     * The node holds every row one of whose property values equals {@code marker} twice (the copy with another
     * rid): rows it already holds and rows it applies or installs later. {@code null} forgets all markers of that
     * node (copies already made stay).
     */
    public void duplicateRow(int ordinal, String marker) {
        sim.checkOrdinal(ordinal);
        if (marker == null) {
            duplicatedMarkers.remove(ordinal);
            return;
        }
        duplicatedMarkers.computeIfAbsent(ordinal, k -> ConcurrentHashMap.newKeySet()).add(marker);
        sim.rowFaultsChanged(ordinal);
    }

    /**
     * The node now holds a row {marker: marker} of {@code type} in {@code database} that no client wrote (until a
     * snapshot install or a wipe replaces its data). The database and type must exist on that node.
     */
    public void inventRow(int ordinal, String database, String type, String marker) {
        sim.checkOrdinal(ordinal);
        sim.inventRow(ordinal, Objects.requireNonNull(database), Objects.requireNonNull(type), Objects.requireNonNull(marker));
    }

    /** POST /api/v1/cluster/leader answers 500 Internal error. */
    public void rejectTransfer(boolean on) {
        rejectTransfer = on;
    }

    /** POST /api/v1/cluster/leader answers 200 but leadership never moves. */
    public void ignoreTransfer(boolean on) {
        ignoreTransfer = on;
    }

    /** peers[].id is rendered as host:raftPort (with a colon), so it never equals leaderId or localPeerId. */
    public void wrongPeerIdsInPeers(boolean on) {
        wrongPeerIds = on;
    }

    /**
     * The node's process is frozen (SIGSTOP) or runs again (SIGCONT). Frozen, it answers nothing (connections are
     * accepted, as by the kernel, and each request waits until the resume), sends no heartbeat and takes part in no
     * election; a frozen leader is seen lost by the others after the failover detection, and they elect another. Woken,
     * it goes on as a follower of whoever leads now: on real 26.8.1 servers the woken leader's first answer to
     * GET /api/v1/cluster already named the new leader, and requests it had held were then handled as a follower's.
     */
    public void freeze(int ordinal, boolean on) {
        sim.checkOrdinal(ordinal);
        if (on ? frozen.add(ordinal) : frozen.remove(ordinal)) {
            sim.frozenChanged(ordinal, on);
        }
    }

    /**
     * A network partition of one node from all the others, both ways (the partition phase): the node runs and answers
     * the suite's HTTP, but exchanges nothing with its peers: no heartbeats, appends, votes or forwarded writes. A cut
     * leader steps down after the failover detection and the others elect one; a cut node names no leader. Healed, it
     * follows the leader again and catches up.
     */
    public void cutOff(int ordinal, boolean on) {
        sim.checkOrdinal(ordinal);
        toggle(cutOff, ordinal, on);
        sim.cutChanged(ordinal, on);
    }

    /** Switches every fault off. */
    public void clear() {
        for (Integer i : Set.copyOf(frozen)) {
            freeze(i, false);
        }
        for (Integer i : Set.copyOf(refused)) {
            refuseConnections(i, false);
        }
        notStarted.clear();
        slow.clear();
        held.clear();
        failNext.clear();
        disagree.clear();
        stalled.clear();
        detached.clear();
        for (Integer i : Set.copyOf(cutOff)) {
            cutOff(i, false);
        }
        lostMarkers.clear();
        duplicatedMarkers.clear();
        rejectTransfer = false;
        ignoreTransfer = false;
        wrongPeerIds = false;
        neverElect(false);
        sim.faultChanged();
    }

    private static void toggle(Set<Integer> set, int ordinal, boolean on) {
        if (on) {
            set.add(ordinal);
        } else {
            set.remove(ordinal);
        }
    }

    // ------------------------------------------------------------------ queries for the simulator

    boolean isCut(int ordinal) {
        return cutOff.contains(ordinal);
    }

    boolean isRefused(int ordinal) {
        return refused.contains(ordinal);
    }

    boolean isNotStarted(int ordinal) {
        return notStarted.contains(ordinal);
    }

    /** The delay {@link #slow} puts on a request to {@code path} of the node, counting the request if held. */
    Duration slowDelay(int ordinal, String path) {
        Duration delay = slow.getOrDefault(ordinal, Duration.ZERO);
        if (!delay.isZero()) {
            held.computeIfAbsent(ordinal + " " + path, k -> new AtomicLong()).incrementAndGet();
        }
        return delay;
    }

    /** How many requests to {@code path} {@link #slow} has held on the node so far. */
    public long heldRequests(int ordinal, String path) {
        AtomicLong n = held.get(ordinal + " " + path);
        return n == null ? 0 : n.get();
    }

    /** Consumes one injected failure: the status to answer, or 0. */
    int consumeFailure(int ordinal) {
        AtomicLong a = failNext.get(ordinal);
        if (a == null) {
            return 0;
        }
        while (true) {
            long v = a.get();
            long count = v >>> 32;
            if (count <= 0) {
                return 0;
            }
            if (a.compareAndSet(v, ((count - 1) << 32) | (v & 0xffffffffL))) {
                return (int) (v & 0xffffffffL);
            }
        }
    }

    boolean isDisagreeing(int ordinal) {
        return disagree.contains(ordinal);
    }

    boolean isNeverElect() {
        return neverElect;
    }

    boolean isFrozen(int ordinal) {
        return frozen.contains(ordinal);
    }

    boolean isStalled(int ordinal) {
        return stalled.contains(ordinal);
    }

    boolean isDetached(int ordinal) {
        return detached.contains(ordinal);
    }

    boolean loses(int ordinal, Map<String, Object> row) {
        return matches(lostMarkers.get(ordinal), row);
    }

    boolean duplicates(int ordinal, Map<String, Object> row) {
        return matches(duplicatedMarkers.get(ordinal), row);
    }

    private static boolean matches(Set<String> markers, Map<String, Object> row) {
        if (markers == null || markers.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (!e.getKey().startsWith("@") && e.getValue() != null && markers.contains(String.valueOf(e.getValue()))) {
                return true;
            }
        }
        return false;
    }

    boolean isRejectTransfer() {
        return rejectTransfer;
    }

    boolean isIgnoreTransfer() {
        return ignoreTransfer;
    }

    boolean isWrongPeerIds() {
        return wrongPeerIds;
    }
}
