package ha.sim;

import java.util.Map;

/** One entry of the simulated Raft log. Index 1 is the first entry; {@code index} doubles as the transaction id. */
record RaftEntry(long index, long term, Kind kind, String database, String type, int bucket, String rid,
                 Map<String, Object> fields) {

    enum Kind { NOOP, CONFIG, CREATE_DATABASE, DROP_DATABASE, CREATE_TYPE, INSERT }
}
