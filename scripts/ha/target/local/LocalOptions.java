package ha.target.local;

import ha.core.Durations;
import ha.core.ProjectRoot;
import ha.core.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options of {@code --target local}: ArcadeDB server processes on this machine instead of the chart's
 * pods. Ignored by the Kubernetes target.
 */
public final class LocalOptions {
    /** The main class ArcadeDB's distribution starts its server with. */
    public static final String ARCADEDB_MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer";
    /** System property that overrides the main class, like the hidden option does. */
    public static final String MAIN_CLASS_PROPERTY = "ha.local.mainClass";

    @Option(names = "--nodes", paramLabel = "N",
            description = "Number of ArcadeDB server processes to start, 3 or more (default: ${DEFAULT-VALUE}).")
    public int nodes = 3;

    @Option(names = "--allow-small-cluster",
            description = "Accept --nodes 1 or 2, which cannot keep a Raft majority when a node is lost; "
                    + "phases that need more nodes are skipped with that reason.")
    public boolean allowSmallCluster;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "One folder per node (data, server log) under DIR (default: build/ha-local/<run id> in the suite's folder).")
    public Path workDir;

    @Option(names = "--arcadedb-home", paramLabel = "DIR",
            description = "An unpacked ArcadeDB distribution; its lib/ holds the server jars (default: env ARCADEDB_HOME).")
    public Path arcadedbHome;

    @Option(names = "--arcadedb-version", paramLabel = "VERSION",
            description = "Without --arcadedb-home: download com.arcadedb:arcadedb-server and arcadedb-ha-raft of this "
                    + "version from Maven Central (runs mvn; needs network) into .tools/arcadedb/VERSION. Versions not published "
                    + "there fail with one line; then use --arcadedb-home.")
    public String arcadedbVersion;

    @Option(names = "--server-java", paramLabel = "JDK",
            description = "JDK home (21 or newer) that runs the servers (default: JAVA_HOME if 21+, else "
                    + "ARCADEDB_SERVER_JAVA, else a JDK 21+ found in /usr/lib/jvm).")
    public Path serverJava;

    @Option(names = "--base-port", paramLabel = "PORT",
            description = "Node i listens on PORT+3i (HTTP), PORT+3i+1 (HTTPS) and PORT+3i+2 (Raft) "
                    + "(default: free ports below the ephemeral range).")
    public Integer basePort;

    @Option(names = "--server-setting", paramLabel = "KEY=VALUE",
            description = "Extra ArcadeDB setting for every node, passed as -DKEY=VALUE (repeatable), "
                    + "e.g. arcadedb.ha.snapshotThreshold=10.")
    public Map<String, String> serverSettings = new LinkedHashMap<>();

    @Option(names = "--server-main-class", paramLabel = "CLASS", hidden = true,
            description = "Main class of the server processes (tests launch a stand-in server this way).")
    public String serverMainClass;

    @Option(names = "--server-jvm-option", paramLabel = "OPTION", hidden = true,
            description = "Extra JVM option for the server processes (repeatable).")
    public List<String> serverJvmOptions = new ArrayList<>();

    @Option(names = "--readiness-period", paramLabel = "DURATION", hidden = true, converter = Durations.class,
            description = "Period of the readiness probe run for each server process (default: the chart's, 5s; tests shorten it).")
    public java.time.Duration readinessPeriod;

    /**
     * Peers resolved by name through a hosts file per node, each (from, to) pair at an address of its own, so that the
     * partition phase can cut pairs (set by the runner when such a phase is selected; the hidden option forces it).
     */
    @Option(names = "--named-peers", hidden = true,
            description = "Start the servers with peers resolved by name through hosts files of their own (partition needs it).")
    public boolean namedPeers;

    /** Refuses a cluster size that cannot start, or that cannot keep a majority without --allow-small-cluster. */
    public void checkNodes() {
        if (nodes < 1) {
            throw new UsageException("--nodes must be at least 1, saw " + nodes);
        }
        if (nodes < 3 && !allowSmallCluster) {
            throw new UsageException("--nodes " + nodes + " cannot keep a Raft majority when a node is lost (that needs 3 or more); "
                    + "pass --allow-small-cluster to run on " + nodes + " node" + (nodes == 1 ? "" : "s") + " anyway");
        }
    }

    /** The main class: the hidden option, else the system property, else ArcadeDB's. */
    public String mainClass() {
        if (serverMainClass != null && !serverMainClass.isBlank()) {
            return serverMainClass;
        }
        String property = System.getProperty(MAIN_CLASS_PROPERTY);
        return property == null || property.isBlank() ? ARCADEDB_MAIN_CLASS : property;
    }

    /** The work dir: the option, else build/ha-local/&lt;run id&gt; in the suite's folder ({@link ProjectRoot}). */
    public Path workDirOrDefault(String runId) {
        if (workDir != null) {
            return workDir.toAbsolutePath().normalize();
        }
        return ProjectRoot.resolve("build", "ha-local", runId);
    }
}
