package ha.target.local;

import ha.core.EvidenceFiles;
import ha.core.Log;
import ha.core.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the local processes leave for a reader: their logs, and a table of pids, ports, states and command lines. */
final class LocalEvidence {
    private LocalEvidence() {
    }

    /**
     * Writes, per node, nodes/&lt;name&gt;/log.txt (the current process's log) and previous-log.txt (the one before
     * it), as the Kubernetes target names pod logs, and processes.txt.
     */
    static void collect(List<LocalNode> nodes, Path dir) {
        for (LocalNode n : nodes) {
            Path nodeDir = dir.resolve("nodes").resolve(n.name());
            EvidenceFiles.write(nodeDir.resolve("log.txt"), n.logText(false));
            String previous = n.logText(true);
            if (!previous.isEmpty()) {
                EvidenceFiles.write(nodeDir.resolve("previous-log.txt"), previous);
            }
        }
        EvidenceFiles.write(dir.resolve("processes.txt"), processTable(nodes));
    }

    /** Copies every log file of every node, redacted, into {@code reportDir}/node-logs/&lt;name&gt;/. */
    static void keepLogs(List<LocalNode> nodes, Path reportDir) {
        try {
            for (LocalNode n : nodes) {
                Path into = reportDir.resolve("node-logs").resolve(n.name());
                Files.createDirectories(into);
                for (Path log : n.logFiles()) {
                    Files.writeString(into.resolve(log.getFileName().toString()), Redactor.redact(Files.readString(log, StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            Log.warn("could not copy the node logs into %s: %s", reportDir, e.getMessage());
        }
    }

    private static String processTable(List<LocalNode> nodes) {
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-12s %-8s %-6s %-6s %-6s %-22s %s%n", "NODE", "PID", "HTTP", "HTTPS", "RAFT", "STATE", "FOLDER"));
        for (LocalNode n : nodes) {
            Process p = n.process();
            table.append(String.format("%-12s %-8s %-6d %-6d %-6d %-22s %s%n", n.name(), p == null ? "-" : String.valueOf(p.pid()),
                    n.ports().http(), n.ports().https(), n.ports().raft(), n.state(), n.dir()));
        }
        table.append(System.lineSeparator()).append("Command lines (the root password is passed in the environment variable ")
                .append(LocalTarget.PASSWORD_ENV).append(", not on them):").append(System.lineSeparator());
        for (LocalNode n : nodes) {
            table.append(n.name()).append(": ").append(String.join(" ", n.command())).append(System.lineSeparator());
        }
        return table.toString();
    }
}
