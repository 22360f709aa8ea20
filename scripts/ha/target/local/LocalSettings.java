package ha.target.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a local node is started with: the JVM options ArcadeDB needs, and the -D settings the chart renders,
 * adapted to loopback (reference: arcadedb-local-processes.md), with --server-setting and --server-jvm-option last.
 */
public final class LocalSettings {
    /** JVM options ArcadeDB needs on modern JDKs, and a test-sized heap (reference: local processes). */
    public static final List<String> JVM_OPTIONS = List.of(
            "-Xms256m", "-Xmx1g",
            "--add-exports", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio.channels.spi=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED");
    /**
     * The chart's HA-aware readiness (values.yaml ha.readinessRequiresHA and ha.readinessHAMaxLag), which the local
     * readiness probes and the waits for a ready node rely on as on Kubernetes; --server-setting may override them.
     */
    static final Map<String, String> CHART_READINESS = Map.of(
            "arcadedb.server.readinessRequiresHA", "true",
            "arcadedb.server.readinessHAMaxLag", "100");

    private LocalSettings() {
    }

    /** The JVM options of one node; with named peers its own hosts file resolves them. */
    static List<String> jvmOptions(LocalOptions options, LocalNode node, boolean namedPeers) {
        List<String> out = new ArrayList<>(JVM_OPTIONS);
        if (namedPeers) {
            out.add("-Djdk.net.hosts.file=" + node.hostsFile());
        }
        out.addAll(options.serverJvmOptions);
        return out;
    }

    /** The settings every node of the cluster gets; {@code members} are the nodes of the current size, in ordinal order. */
    static Map<String, String> cluster(LocalOptions options, List<LocalNode> members) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("arcadedb.server.mode", "production");
        s.put("arcadedb.ha.enabled", "true");
        s.put("arcadedb.ha.serverList", serverList(members));
        s.putAll(new TreeMap<>(CHART_READINESS));
        s.putAll(options.serverSettings);
        s.remove(LocalTarget.PASSWORD_ENV);
        return s;
    }

    /** The -D settings of one node: its name, folders and ports, then the cluster's. */
    static Map<String, String> node(LocalOptions options, LocalNode n, List<LocalNode> members, boolean namedPeers) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("arcadedb.server.name", n.name());
        s.put("arcadedb.server.rootPath", n.data().toString());
        s.put("arcadedb.server.databaseDirectory", n.data().resolve("databases").toString());
        s.put("arcadedb.server.logsDirectory", n.dir().resolve("log").toString());
        // with named peers, peers reach this node's HTTP at their pair address (forwarded writes): the nft table keeps it loopback-only
        s.put("arcadedb.server.httpIncomingHost", namedPeers ? "0.0.0.0" : "127.0.0.1");
        s.put("arcadedb.server.httpIncomingPort", String.valueOf(n.ports().http()));
        s.put("arcadedb.server.httpsIncomingPort", String.valueOf(n.ports().https()));
        s.put("arcadedb.ha.raftPort", String.valueOf(n.ports().raft()));
        s.putAll(cluster(options, members));
        return s;
    }

    /** name@host:raft:http for each member, in ordinal order. */
    private static String serverList(List<LocalNode> members) {
        List<String> entries = new ArrayList<>();
        for (LocalNode n : members) {
            entries.add(n.name() + "@" + n.peerHost() + ":" + n.ports().raft() + ":" + n.ports().http());
        }
        return String.join(",", entries);
    }
}
