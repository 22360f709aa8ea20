package ha.target.local;

import ha.core.SuiteException;
import ha.core.UsageException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The three ports of one local node. With {@code --base-port B} node i gets B+3i (HTTP), B+3i+1 (HTTPS)
 * and B+3i+2 (Raft); without it, a free block of three ports P, P+1, P+2 is picked below the kernel's
 * ephemeral range, so that an outgoing connection cannot take a node's port while the node restarts.
 * Either way every node's Raft port is its HTTP port + 2: ArcadeDB records a peer added through
 * POST /api/v1/cluster/peer at "its Raft port + (HTTP - Raft of an existing peer)", so with one offset for
 * all nodes that address is right (with random ports it was not: seen on 26.8.1, the leader's verify then
 * called itself for every peer until its HTTP workers were exhausted and it stopped answering).
 */
public record LocalPorts(int http, int https, int raft) {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int LOWEST = 10_000;

    @Override
    public String toString() {
        return "HTTP " + http + ", HTTPS " + https + ", Raft " + raft;
    }

    /**
     * Refuses a {@code --base-port} whose {@code nodes} nodes would not all fit in 1-65535, before anything is written
     * (the ports are allocated later, node by node).
     */
    public static void checkRange(Integer basePort, int nodes) {
        if (basePort == null) {
            return;
        }
        int last = basePort + 3 * nodes - 1;
        if (basePort < 1 || last > 65_535) {
            throw new UsageException("--base-port " + basePort + " gives " + nodes + " node" + (nodes == 1 ? "" : "s") + " the ports "
                    + basePort + "-" + last + ", outside 1-65535; choose a base port of at most " + (65_536 - 3 * nodes));
        }
    }

    /** The ports of node {@code ordinal}: fixed from {@code basePort}, else picked free. */
    public static LocalPorts allocate(Integer basePort, int ordinal, String nodeName) {
        if (basePort != null) {
            int http = basePort + 3 * ordinal;
            LocalPorts ports = new LocalPorts(http, http + 1, http + 2);
            requireFree(http, "HTTP", nodeName);
            requireFree(http + 1, "HTTPS", nodeName);
            requireFree(http + 2, "Raft", nodeName);
            if (ports.raft() > 65_535) {
                throw new UsageException("--base-port " + basePort + " puts the ports of " + nodeName + " beyond 65535");
            }
            return ports;
        }
        int http = pickFreeBlock(3);
        return new LocalPorts(http, http + 1, http + 2);
    }

    private static void requireFree(int port, String kind, String nodeName) {
        if (port < 1 || port > 65_535) {
            throw new UsageException("--base-port gives " + nodeName + " the " + kind + " port " + port + ", outside 1-65535");
        }
        if (!isFree(port)) {
            throw new SuiteException("port " + port + " (" + kind + " of " + nodeName + ") is in use; choose another --base-port or stop what listens there");
        }
    }

    /**
     * One free port below the kernel's ephemeral range that this JVM has not handed out before (for listeners that
     * stop and bind again, like the simulator's nodes: an outgoing connection never takes such a port meanwhile).
     */
    public static int pickFreePort() {
        return pickFree();
    }

    private static int pickFree() {
        return pickFreeBlock(1);
    }

    /** The first of {@code count} consecutive free ports, none handed out before, all below the ephemeral range. */
    private static synchronized int pickFreeBlock(int count) {
        int highest = ephemeralLow() - count;
        int span = highest - LOWEST;
        int start = LOWEST + ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int first = LOWEST + (start - LOWEST + i) % span;
            boolean free = true;
            for (int p = first; p < first + count && free; p++) {
                free = !HANDED_OUT.contains(p) && isFree(p);
            }
            if (free) {
                for (int p = first; p < first + count; p++) {
                    HANDED_OUT.add(p);
                }
                return first;
            }
        }
        throw new SuiteException("no " + count + " free consecutive ports between " + LOWEST + " and " + highest
                + " for the local ArcadeDB servers");
    }

    /** Whether a listener could bind the port on every interface (ArcadeDB's Raft listener does). */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    /** The lower bound of the kernel's ephemeral port range (Linux), else the IANA one. */
    static int ephemeralLow() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            // read line-wise: /proc files report size 0, and a whole-file read may stop after the first byte
            String line;
            try (var reader = Files.newBufferedReader(range)) {
                line = reader.readLine();
            }
            int low = Integer.parseInt(line.trim().split("\\s+")[0]);
            return Math.max(LOWEST + 1_000, Math.min(low, 49_152));
        } catch (IOException | RuntimeException unknown) {
            return 32_768;
        }
    }
}
