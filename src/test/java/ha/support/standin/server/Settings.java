package ha.support.standin.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings read as ArcadeDB reads them: a system property with the exact dotted key, else an
 * environment variable whose name is that key (reference §7.1).
 */
final class Settings {
    private Settings() {
    }

    static String get(String key, String fallback) {
        String value = System.getProperty(key);
        if (value == null) {
            value = System.getenv(key);
        }
        return value == null ? fallback : value;
    }

    static String require(String key) {
        String value = get(key, null);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("setting " + key + " is missing");
        }
        return value;
    }

    static long millis(String key, long fallback) {
        return Long.parseLong(get(key, String.valueOf(fallback)).trim());
    }

    /** One entry of arcadedb.ha.serverList: [name@]host:raftPort:httpPort[:priority[:httpsPort]]. */
    record Peer(String name, String host, int raftPort, int httpPort) {
        String id() {
            return host + "_" + raftPort;
        }

        String address() {
            return host + ":" + raftPort;
        }

        String httpAddress() {
            return host + ":" + httpPort;
        }
    }

    static List<Peer> serverList(String text) {
        List<Peer> out = new ArrayList<>();
        for (String raw : text.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            String name = null;
            int at = entry.indexOf('@');
            if (at >= 0) {
                name = entry.substring(0, at);
                entry = entry.substring(at + 1);
            }
            String[] parts = entry.split(":");
            if (parts.length < 3) {
                throw new IllegalStateException("server list entry '" + raw + "' lacks host:raftPort:httpPort");
            }
            out.add(new Peer(name, parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
        }
        return out;
    }
}
