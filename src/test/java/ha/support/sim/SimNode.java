package ha.support.sim;

import com.sun.net.httpserver.HttpServer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One node slot of the simulator. Every mutable field is guarded by the simulator lock unless noted. */
final class SimNode {
    final int ordinal;
    final String host;
    final String peerId;
    final String serverName;

    /** Loopback HTTP port; fixed once allocated. */
    volatile int port;
    /** Guarded by {@link #httpLock}. */
    HttpServer server;
    final Object httpLock = new Object();

    boolean running;
    int incarnation;
    long startedNanos;
    boolean online;
    boolean scaledDown;
    boolean everStarted;

    Integer knownLeader;
    long electionCount;
    long lastElectionTime;
    long knownCommit;

    long lastIndex;
    long appliedIndex;
    long logFirstIndex = 1;
    long snapshotIndex;
    long lastPurgeIndex;

    boolean installing;
    long swapUntilNanos;
    boolean catchingUp;
    long catchUpStartNanos;
    long lastContactNanos = -1;
    double rttMs;
    double rttP99Ms;

    final TreeMap<String, SimDb> dbs = new TreeMap<>();
    final List<String> logLines = new ArrayList<>();
    /** Thread-safe on its own. */
    final AtomicInteger requests = new AtomicInteger();

    final Map<String, ArrayDeque<Long>> authFailures = new HashMap<>();
    final Map<String, Long> lockedUntilNanos = new HashMap<>();
    Integer lastNamedLeader;
    final Map<String, NodeHttp.Cached> idempotency = new HashMap<>();

    SimNode(int ordinal, String host, String peerId, String serverName) {
        this.ordinal = ordinal;
        this.host = host;
        this.peerId = peerId;
        this.serverName = serverName;
    }

    void wipe() {
        dbs.clear();
        lastIndex = 0;
        appliedIndex = 0;
        logFirstIndex = 1;
        snapshotIndex = 0;
        lastPurgeIndex = 0;
        knownCommit = 0;
    }
}
