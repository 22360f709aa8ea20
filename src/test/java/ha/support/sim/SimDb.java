package ha.support.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/** One database as one node holds it: document types with their rows. Guarded by the simulator lock. */
final class SimDb {
    final String name;
    /** Index of the last Raft entry applied to this database; entries at or below it are skipped (idempotent replay). */
    long lastTxId;
    final LinkedHashMap<String, SimType> types = new LinkedHashMap<>();

    SimDb(String name) {
        this.name = name;
    }

    static final class SimType {
        final String name;
        final int bucket;
        long nextPos;
        /**
         * The version of the bucket's page: one more with every insert committed into it, replicated or (in the restart
         * window) local only. A replicated insert carries the version it expects (ArcadeDB's WAL page version).
         */
        long version;
        final List<Map<String, Object>> rows = new ArrayList<>();

        SimType(String name, int bucket) {
            this.name = name;
            this.bucket = bucket;
        }
    }

    SimDb copy() {
        SimDb c = new SimDb(name);
        c.lastTxId = lastTxId;
        for (SimType t : types.values()) {
            SimType ct = new SimType(t.name, t.bucket);
            ct.nextPos = t.nextPos;
            ct.version = t.version;
            for (Map<String, Object> row : t.rows) {
                ct.rows.add(new LinkedHashMap<>(row));
            }
            c.types.put(t.name, ct);
        }
        return c;
    }

    /** "Files" of this database with CRC32 checksums, as the verify endpoint reports them. */
    Map<String, long[]> files() {
        Map<String, long[]> files = new LinkedHashMap<>();
        StringBuilder schema = new StringBuilder();
        for (SimType t : types.values()) {
            schema.append(t.name).append('#').append(t.bucket).append(';');
        }
        files.put("schema.json", checksum(schema.toString()));
        for (SimType t : types.values()) {
            StringBuilder data = new StringBuilder();
            List<Map<String, Object>> sorted = new ArrayList<>(t.rows);
            sorted.sort((a, b) -> String.valueOf(a.get("@rid")).compareTo(String.valueOf(b.get("@rid"))));
            for (Map<String, Object> row : sorted) {
                data.append(row).append('\n');
            }
            files.put(t.name + "_0." + t.bucket + ".65536.v0.bucket", checksum(data.toString()));
        }
        return files;
    }

    private static long[] checksum(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return new long[] {crc.getValue(), bytes.length};
    }
}
