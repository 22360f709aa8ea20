package ha.support.sim;

import java.util.Map;

/**
 * One entry of the simulated Raft log. Index 1 is the first entry; {@code index} doubles as the transaction id. An
 * insert carries {@code pageVersion}, the version its bucket's page had on the leader before the insert (what a real
 * WAL entry records); a node applies it only onto that version (see {@link SimDb.SimType#version}).
 */
record RaftEntry(long index, long term, Kind kind, String database, String type, int bucket, String rid,
                 Map<String, Object> fields, long pageVersion) {

    enum Kind { NOOP, CONFIG, CREATE_DATABASE, DROP_DATABASE, CREATE_TYPE, INSERT }
}
