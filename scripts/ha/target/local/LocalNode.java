package ha.target.local;

import ha.core.Node;
import ha.core.PeerIds;
import ha.core.PhaseFailure;
import ha.core.Procs;
import ha.core.Redactor;
import ha.core.SuiteException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One local ArcadeDB server: its ordinal, name, ports and folder, and the process of its current
 * incarnation. Folder layout: {@code data/} is the server's root path (databases, Raft storage, users
 * file; what a volume holds), {@code log/} ArcadeDB's own log files, {@code server.log} the current
 * process's stdout and stderr, {@code server-N.log} those of earlier incarnations.
 */
final class LocalNode {
    static final String LOG = "server.log";

    private final int ordinal;
    private final String name;
    private final LocalPorts ports;
    private final Path dir;
    private volatile Process process;
    private volatile List<String> command = List.of();
    private int incarnations;
    private volatile long startedMillis = -1;

    LocalNode(int ordinal, String name, LocalPorts ports, Path dir) {
        this.ordinal = ordinal;
        this.name = name;
        this.ports = ports;
        this.dir = dir;
    }

    int ordinal() {
        return ordinal;
    }

    String name() {
        return name;
    }

    Node node() {
        return new Node(ordinal, name);
    }

    LocalPorts ports() {
        return ports;
    }

    Path dir() {
        return dir;
    }

    Path data() {
        return dir.resolve("data");
    }

    Path log() {
        return dir.resolve(LOG);
    }

    /** The host of its server-list entry: 127.0.0.1, or its name when peers resolve by name ({@link LocalNetwork}). */
    private volatile String peerHost = "127.0.0.1";

    void peerHost(String host) {
        this.peerHost = host;
    }

    String peerHost() {
        return peerHost;
    }

    Path hostsFile() {
        return dir.resolve("hosts");
    }

    String peerId() {
        return peerHost + "_" + ports.raft();
    }

    Process process() {
        return process;
    }

    List<String> command() {
        return command;
    }

    boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The process id while it runs, else "absent". */
    String incarnation() {
        Process p = process;
        return p != null && p.isAlive() ? String.valueOf(p.pid()) : "absent";
    }

    /** When the current incarnation was started (epoch millis), -1 before the first start. */
    long startedMillis() {
        return startedMillis;
    }

    /** "arcadedb-1 (pid 4242, HTTP port 24801)". */
    String label() {
        Process p = process;
        return name + " (" + (p == null ? "not started" : "pid " + p.pid()) + ", HTTP port " + ports.http() + ")";
    }

    /** Starts a new incarnation; the previous one's log is kept as server-N.log. */
    synchronized void start(LocalJava java, List<String> jvmOptions, String classpath, Map<String, String> settings,
                            String mainClass, Map<String, String> env) {
        if (running()) {
            throw new IllegalStateException(name + " is already running as pid " + process.pid());
        }
        try {
            Files.createDirectories(dir);
            Files.createDirectories(data());
            if (Files.exists(log())) {
                Files.move(log(), dir.resolve("server-" + incarnations + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SuiteException("cannot prepare the folder " + dir + " of " + name + ": " + e.getClass().getSimpleName()
                    + " " + e.getMessage());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.executable().toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add(mainClass);
        ProcessBuilder builder = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().putAll(env);
        try {
            process = builder.start();
            startedMillis = System.currentTimeMillis();
        } catch (IOException e) {
            throw new SuiteException("cannot start " + name + " with " + java.executable() + ": " + e.getMessage());
        }
        Procs.track(process);
        command = List.copyOf(cmd);
        incarnations++;
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** kill -9: the process and its children die at once, as on a crash. Waits until they are gone. */
    void kill() {
        Process p = process;
        if (p != null) {
            Procs.killTree(p);
        }
    }

    /** Asks the process to stop (SIGTERM), waits up to {@code graceMillis}, then kills it. */
    void stop(long graceMillis) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                Procs.killTree(p);
            }
        } catch (InterruptedException e) {
            Procs.killTree(p);
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the data folder, as deleting the pod's volume would. Call only while the process is down. */
    void wipeData() {
        try {
            LocalInstall.deleteTree(data());
        } catch (IOException e) {
            throw new SuiteException("cannot delete the data folder " + data() + " of " + name + ": " + e.getMessage());
        }
    }

    /** The current incarnation's log, or with {@code previous} the one before ("" when there is none). */
    String logText(boolean previous) {
        Path file = previous ? dir.resolve("server-" + (incarnations - 1) + ".log") : log();
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try {
            return Redactor.redact(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SuiteException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Every log file of every incarnation, oldest first. */
    List<Path> logFiles() {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().matches("server-\\d+\\.log"))
                    .sorted((a, b) -> Integer.compare(number(a), number(b))).forEach(out::add);
        } catch (IOException e) {
            // no folder, no logs
        }
        if (Files.isRegularFile(log())) {
            out.add(log());
        }
        return out;
    }

    private static int number(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring("server-".length(), n.length() - ".log".length()));
    }

    /** The last {@code count} lines of the current log, each indented, for error messages. */
    String tail(int count) {
        List<String> lines;
        try {
            lines = Files.isRegularFile(log()) ? Files.readAllLines(log(), StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return "its log " + log() + " cannot be read: " + e.getMessage();
        }
        if (lines.isEmpty()) {
            return "its log " + log() + " is empty";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - count), lines.size());
        StringBuilder sb = new StringBuilder();
        for (String line : last) {
            sb.append("\n    | ").append(Redactor.redact(line));
        }
        return "last " + last.size() + " lines of its log " + log() + ":" + sb;
    }

    /** "exited with code 1" or "running". */
    String state() {
        Process p = process;
        if (p == null) {
            return "not started";
        }
        return p.isAlive() ? "running" : "exited with code " + p.exitValue();
    }

    /** The node a Raft peer id names (host_raftPort): by its Raft port, with host 127.0.0.1, localhost or its name. */
    static LocalNode ofPeer(List<LocalNode> nodes, String peerId) {
        int raftPort;
        String host;
        try {
            raftPort = PeerIds.raftPort(peerId);
            host = PeerIds.host(peerId);
        } catch (IllegalArgumentException e) {
            throw new PhaseFailure("expected a peer id host_raftPort, saw " + peerId);
        }
        for (LocalNode n : nodes) {
            if (n.ports().raft() == raftPort && ("127.0.0.1".equals(host) || "localhost".equals(host) || n.name().equals(host))) {
                return n;
            }
        }
        List<String> known = nodes.stream().map(n -> n.name() + "=" + n.peerId()).toList();
        throw new PhaseFailure("peer id " + peerId + " names no local node (by Raft port: " + String.join(", ", known) + ")");
    }
}
