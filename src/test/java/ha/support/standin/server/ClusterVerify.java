package ha.support.standin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/cluster/verify/{database}} as ArcadeDB 26.8.1 answers it (reference §4.4, shapes seen on a
 * real 26.8.1 leader): a follower lists its files and their checksums; the leader does the same and asks every
 * other peer of its server list, in parallel over HTTP (the follower form of this endpoint), comparing file by file.
 */
final class ClusterVerify {
    /** Marks the leader's request to a peer: answer with the follower form, whatever this node's role. */
    static final String PEER_REQUEST = "X-StandIn-Verify-Peer";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_\\-.]*");
    private static final ExecutorService FAN_OUT = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cluster-verify");
        t.setDaemon(true);
        return t;
    });
    private static final int CONNECT_MILLIS = 5_000;
    private static final int READ_MILLIS = 60_000;

    private final String serverName;
    private final RaftNode raft;

    ClusterVerify(String serverName, RaftNode raft) {
        this.serverName = serverName;
        this.raft = raft;
    }

    /** The answer body; 400 for a bad name, 404 for a database this node does not have. */
    ObjectNode verify(String database, String authorization, boolean peerRequest) {
        if (!NAME.matcher(database).matches()) {
            throw ApiError.plain(400, "Invalid database name");
        }
        List<StateMachine.DataFile> files = raft.files(database);
        if (files == null) {
            throw ApiError.plain(404, "Database '" + database + "' not found");
        }
        if (peerRequest || !raft.isLeader()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.set("localChecksums", checksums(files));
            out.set("files", list(files));
            out.put("localServer", serverName);
            return out;
        }
        List<Settings.Peer> peers = raft.serverList().stream().filter(p -> !p.id().equals(raft.self().id())).toList();
        List<CompletableFuture<ObjectNode>> answers = new ArrayList<>();
        for (Settings.Peer peer : peers) {
            answers.add(CompletableFuture.supplyAsync(() -> compare(peer, database, files, authorization), FAN_OUT));
        }
        ObjectNode result = Json.MAPPER.createObjectNode().put("database", database);
        result.set("files", list(files));
        result.put("localServer", serverName).put("localPeerId", raft.self().id());
        result.set("localChecksums", checksums(files));
        ArrayNode entries = result.putArray("peers");
        boolean allConsistent = true;
        for (CompletableFuture<ObjectNode> answer : answers) {
            ObjectNode entry = answer.join();
            allConsistent &= "CONSISTENT".equals(entry.path("status").asText());
            entries.add(entry);
        }
        // an unreachable peer counts as an inconsistency too (seen on 26.8.1: ERROR gives INCONSISTENCY_DETECTED)
        result.put("overallStatus", allConsistent ? "ALL_CONSISTENT" : "INCONSISTENCY_DETECTED");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("result", result);
        return out;
    }

    private static ObjectNode compare(Settings.Peer peer, String database, List<StateMachine.DataFile> files, String authorization) {
        ObjectNode entry = Json.MAPPER.createObjectNode().put("peerId", peer.id()).put("httpAddress", peer.httpAddress());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(PEER_REQUEST, "true");
        headers.put("Content-Type", "application/json");
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        JsonNode remote;
        try {
            Http.Reply reply = Http.send("POST", "http://" + peer.httpAddress() + "/api/v1/cluster/verify/" + database, "{}", headers,
                    CONNECT_MILLIS, READ_MILLIS);
            if (reply.status() == 404) {
                remote = Json.MAPPER.createObjectNode().putObject("localChecksums");
            } else if (reply.status() != 200) {
                return error(entry, "HTTP " + reply.status() + ": " + Json.read(reply.body()).path("error").asText(reply.body()));
            } else {
                remote = Json.read(reply.body()).path("localChecksums");
            }
        } catch (IOException | RuntimeException e) {
            return error(entry, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        Map<String, StateMachine.DataFile> local = new LinkedHashMap<>();
        files.forEach(f -> local.put(f.name(), f));
        TreeSet<String> names = new TreeSet<>(local.keySet());
        remote.fieldNames().forEachRemaining(names::add);
        int matching = 0;
        ArrayNode mismatches = Json.MAPPER.createArrayNode();
        for (String name : names) {
            StateMachine.DataFile mine = local.get(name);
            JsonNode theirs = remote.get(name);
            if (mine != null && theirs != null && theirs.asLong() == mine.checksum()) {
                matching++;
                continue;
            }
            ObjectNode m = mismatches.addObject().put("file", name).put("type", mine != null ? mine.type() : typeOf(name));
            if (mine == null) {
                m.put("localChecksum", "MISSING");
            } else {
                m.put("localChecksum", mine.checksum());
            }
            if (theirs == null) {
                m.put("remoteChecksum", "MISSING");
            } else {
                m.put("remoteChecksum", theirs.asLong());
            }
        }
        entry.put("status", mismatches.isEmpty() ? "CONSISTENT" : "INCONSISTENT").put("matchingFiles", matching)
                .put("mismatchedFiles", mismatches.size());
        if (!mismatches.isEmpty()) {
            entry.set("mismatches", mismatches);
        }
        return entry;
    }

    private static ObjectNode error(ObjectNode entry, String why) {
        return entry.put("status", "ERROR").put("error", why);
    }

    private static String typeOf(String file) {
        return file.endsWith(".bucket") ? "bucket" : "data";
    }

    private static ObjectNode checksums(List<StateMachine.DataFile> files) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        files.forEach(f -> out.put(f.name(), f.checksum()));
        return out;
    }

    private static ArrayNode list(List<StateMachine.DataFile> files) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        files.forEach(f -> out.addObject().put("name", f.name()).put("checksum", f.checksum()).put("size", f.size()).put("type", f.type()));
        return out;
    }
}
