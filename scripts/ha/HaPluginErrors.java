package ha;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a node never became a usable Raft member, when its log says so. On 26.8.1 a node whose Raft HA plugin
 * fails at start keeps its JVM and HTTP port up (health answers, the cluster endpoint reports no leader
 * forever), so a timeout alone does not say what is wrong; the plugin's error line in the node's log does,
 * e.g. {@code Cannot start HA mode without authentication …} when no cluster token reached the server.
 */
public final class HaPluginErrors {
    /** The line ArcadeDB logs when a plugin fails to start; the cause follows on a "Caused by:" line. */
    static final String PLUGIN_FAILED = "Error starting plugin: RaftHAPlugin";
    private static final int MAX_QUOTE = 300;

    private HaPluginErrors() {
    }

    /**
     * The line that explains a failed HA plugin in a server log: the first "Caused by:" line after the plugin's
     * start error (the server's own message), else that error line itself; null when the log shows none.
     */
    static String errorLine(String log) {
        if (log == null) {
            return null;
        }
        List<String> lines = log.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).contains(PLUGIN_FAILED)) {
                continue;
            }
            for (int j = i + 1; j < lines.size() && j <= i + 40; j++) {
                if (lines.get(j).startsWith("Caused by: ")) {
                    return quote(lines.get(j));
                }
            }
            return quote(lines.get(i).substring(lines.get(i).indexOf(PLUGIN_FAILED)));
        }
        return null;
    }

    private static String quote(String line) {
        String s = line.strip();
        return s.length() > MAX_QUOTE ? s.substring(0, MAX_QUOTE) + "…" : s;
    }

    /** "node: line" for every node whose current log shows a failed HA plugin (a log that cannot be read is skipped). */
    public static List<String> diagnose(Target target, List<Node> nodes) {
        List<String> found = new ArrayList<>();
        for (Node node : nodes) {
            String log;
            try {
                log = target.logs(node, false);
            } catch (RuntimeException unreadable) {
                continue;
            }
            String line = errorLine(log);
            if (line != null) {
                found.add(node.name() + ": the Raft HA plugin did not start: " + Redactor.redact(line));
            }
        }
        return found;
    }

    /** The wait's failure with the plugin errors of the nodes appended, or the failure as it is when no log shows one. */
    public static PhaseFailure explain(Target target, PhaseFailure timeout) {
        List<Node> nodes;
        try {
            nodes = target.nodes();
        } catch (RuntimeException e) {
            return timeout;
        }
        List<String> errors = diagnose(target, nodes);
        if (errors.isEmpty()) {
            return timeout;
        }
        return new PhaseFailure(timeout.getMessage() + "; " + String.join("; ", errors));
    }
}
