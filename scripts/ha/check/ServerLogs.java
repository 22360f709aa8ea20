package ha.check;

import ha.core.Node;
import ha.core.PhaseFailure;
import ha.core.Redactor;
import ha.target.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the suite reads in a server's log (reference §5.5, §5.6): the Raft term of the last election, a snapshot
 * install, and the error of a Raft HA plugin that failed to start. Log text is not a stable contract of ArcadeDB's, so
 * every such reading is here, in one place.
 */
public final class ServerLogs {
    private static final Pattern TERM = Pattern.compile("Leader (?:elected|changed)[^\\n]*\\(term=(\\d+)\\)");
    /** The line ArcadeDB logs when a plugin fails to start; the cause follows on a "Caused by:" line. */
    static final String PLUGIN_FAILED = "Error starting plugin: RaftHAPlugin";
    private static final int MAX_QUOTE = 300;

    private ServerLogs() {
    }

    /** The highest term of the log's "Leader elected: … (term=N)" and "Leader changed: … (term=N)" lines, or null. */
    public static Long lastTerm(String log) {
        Long term = null;
        Matcher m = TERM.matcher(log == null ? "" : log);
        while (m.find()) {
            long t = Long.parseLong(m.group(1));
            term = term == null ? t : Math.max(term, t);
        }
        return term;
    }

    /** A node's log as it bears on a snapshot install: the install line, if any, and the other resync lines. */
    public record SnapshotInstall(String line, List<String> otherResyncs) {
        public boolean seen() {
            return line != null;
        }
    }

    /**
     * The state machine's "HA resync started (mode=snapshot" line or the reconciler's "Installing snapshot for database",
     * from where that text starts; else the log-replay and acquire lines seen instead.
     */
    public static SnapshotInstall snapshotInstall(String log) {
        List<String> other = new ArrayList<>();
        for (String line : (log == null ? "" : log).split("\\R")) {
            int at = line.indexOf("HA resync started (mode=snapshot");
            if (at < 0) {
                at = line.indexOf("Installing snapshot for database");
            }
            if (at >= 0) {
                return new SnapshotInstall(line.substring(at).trim(), other);
            }
            if (line.contains("HA resync") || line.contains("Acquiring database") || line.contains("Refreshing database")) {
                other.add(line.trim());
            }
        }
        return new SnapshotInstall(null, other);
    }

    /**
     * The line that explains a failed HA plugin: the first "Caused by:" line after the plugin's start error (the
     * server's own message), else that error line itself; null when the log shows none.
     */
    public static String pluginError(String log) {
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

    /** "node: the Raft HA plugin did not start: …" for every node whose current log shows it (unreadable logs skipped). */
    public static List<String> pluginErrors(Target target, List<Node> nodes) {
        List<String> found = new ArrayList<>();
        for (Node node : nodes) {
            String log;
            try {
                log = target.logs(node, false);
            } catch (RuntimeException unreadable) {
                continue;
            }
            String line = pluginError(log);
            if (line != null) {
                found.add(node.name() + ": the Raft HA plugin did not start: " + Redactor.redact(line));
            }
        }
        return found;
    }

    /** A wait's failure with the plugin errors of the nodes appended, or the failure as it is when no log shows one. */
    public static PhaseFailure explain(Target target, PhaseFailure timeout) {
        List<String> errors;
        try {
            errors = pluginErrors(target, target.nodes());
        } catch (RuntimeException e) {
            return timeout;
        }
        return errors.isEmpty() ? timeout : new PhaseFailure(timeout.getMessage() + "; " + String.join("; ", errors));
    }

    /** The node's last term from its current log, or null when it cannot be read. */
    public static Long lastTerm(Target target, Node node) {
        try {
            return lastTerm(target.logs(node, false));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
