package ha.support.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The HTTP API of one simulated node (reference §1, §2, §3, §4, §5.4, §6). */
final class NodeHttp {
    static final String JSON = "application/json; charset=utf-8";
    static final String SECURITY_EXCEPTION = "com.arcadedb.server.security.ServerSecurityException";
    static final String NEED_RETRY = "com.arcadedb.exception.NeedRetryException";
    static final String QUORUM_NOT_REACHED = "com.arcadedb.network.binary.QuorumNotReachedException";
    static final String NOT_THE_LEADER = "com.arcadedb.network.binary.ServerIsNotTheLeaderException";
    static final String TRANSACTION_EXCEPTION = "com.arcadedb.exception.TransactionException";
    static final String COMMAND_EXECUTION = "com.arcadedb.exception.CommandExecutionException";
    static final String SQL_PARSING = "com.arcadedb.exception.CommandSQLParsingException";
    static final String DATABASE_OPERATION = "com.arcadedb.exception.DatabaseOperationException";
    static final String NOT_IDEMPOTENT = "com.arcadedb.exception.QueryNotIdempotentException";
    static final String CONFIGURATION = "com.arcadedb.exception.ConfigurationException";
    static final Pattern DB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_\\-.]*");
    static final long LOCKOUT_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final int LOCKOUT_ATTEMPTS = 5;

    private final ClusterSimulator sim;

    NodeHttp(ClusterSimulator sim) {
        this.sim = sim;
    }

    // ------------------------------------------------------------------ request / response

    static final class Resp {
        final int status;
        final String contentType;
        final byte[] body;
        final Map<String, String> headers = new LinkedHashMap<>();

        Resp(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        Resp header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    record Cached(long expiresNanos, Resp resp) {
    }

    /** Internal markers (never sent): the node is not (or no longer) the leader / the node cannot be reached. */
    static final Resp NOT_LEADER = new Resp(0, null, new byte[0]);
    static final Resp UNREACHABLE = new Resp(0, null, new byte[0]);

    static final class Req {
        final SimNode node;
        final int inc;
        final String method;
        final String path;
        final String rawQuery;
        final Headers headers;
        final byte[] body;
        final String requestId;
        final int hops;

        Req(SimNode node, int inc, String method, String path, String rawQuery, Headers headers, byte[] body, String requestId,
            int hops) {
            this.node = node;
            this.inc = inc;
            this.method = method;
            this.path = path;
            this.rawQuery = rawQuery;
            this.headers = headers;
            this.body = body;
            this.requestId = requestId;
            this.hops = hops;
        }

        Req on(SimNode other, int otherInc) {
            return new Req(other, otherInc, method, path, rawQuery, headers, body, requestId, hops + 1);
        }

        String header(String name) {
            return headers.getFirst(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Map<String, String> query() {
            Map<String, String> q = new LinkedHashMap<>();
            if (rawQuery == null || rawQuery.isEmpty()) {
                return q;
            }
            for (String part : rawQuery.split("&")) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? part : part.substring(0, eq);
                String v = eq < 0 ? "" : part.substring(eq + 1);
                q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
            return q;
        }
    }

    Resp json(int status, Object body) {
        try {
            return new Resp(status, JSON, sim.json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Resp text(int status, String body) {
        return new Resp(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    static Resp empty(int status) {
        return new Resp(status, null, new byte[0]);
    }

    /** The §1.2 error envelope. */
    Resp error(Req r, int status, String error, String exception, String exceptionArgs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        if (exception != null) {
            m.put("exception", exception);
        }
        if (exceptionArgs != null) {
            m.put("exceptionArgs", exceptionArgs);
        }
        m.put("requestId", r.requestId);
        return json(status, m);
    }

    /** A handler-built body returned verbatim: {"error": ...}. */
    Resp plainError(int status, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        return json(status, m);
    }

    Resp result(int status, Object result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", result);
        return json(status, m);
    }

    // ------------------------------------------------------------------ entry point

    void handle(SimNode n, HttpExchange ex) {
        try {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!sim.awaitThawed(n)) {
                return;
            }
            n.requests.incrementAndGet();
            int inc;
            sim.lock.lock();
            try {
                inc = n.incarnation;
            } finally {
                sim.lock.unlock();
            }
            String rid = ex.getRequestHeaders().getFirst("X-Request-Id");
            if (rid == null || rid.isBlank()) {
                rid = UUID.randomUUID().toString();
            }
            Req r = new Req(n, inc, ex.getRequestMethod().toUpperCase(), ex.getRequestURI().getPath(),
                    ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body, rid, 0);
            Duration slow = sim.faults.slowDelay(n.ordinal, r.path);
            if (!slow.isZero() && !sim.sleepNanos(slow.toNanos())) {
                return;
            }
            Resp resp;
            try {
                resp = process(r);
            } catch (RuntimeException e) {
                sim.internalErrors.add(e);
                resp = error(r, 500, "Internal error", e.getClass().getName(), null);
            }
            if (resp == null || resp == NOT_LEADER || resp == UNREACHABLE) {
                return; // the node died under the request: the connection just closes
            }
            send(ex, r, resp);
        } catch (IOException e) {
            // client went away
        } finally {
            ex.close();
        }
    }

    private static void send(HttpExchange ex, Req r, Resp resp) throws IOException {
        Headers h = ex.getResponseHeaders();
        if (resp.contentType != null) {
            h.set("Content-Type", resp.contentType);
        }
        h.set("X-Request-Id", r.requestId);
        resp.headers.forEach(h::set);
        boolean noBody = resp.body.length == 0 || "HEAD".equals(r.method);
        ex.sendResponseHeaders(resp.status, noBody ? -1 : resp.body.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(resp.body);
            }
        }
    }

    private boolean alive(Req r) {
        return r.node.running && r.node.incarnation == r.inc && !sim.closed;
    }

    private static boolean swapping(SimNode n) {
        return n.swapUntilNanos != 0 && System.nanoTime() - n.swapUntilNanos < 0;
    }

    private Resp installingSnapshot() {
        return plainError(503, "Server is installing a snapshot, please retry").header("Retry-After", "5");
    }

    private Resp process(Req r) {
        SimNode n = r.node;
        sim.lock.lock();
        try {
            if (!alive(r)) {
                return null;
            }
            if (swapping(n)) {
                return installingSnapshot();
            }
        } finally {
            sim.lock.unlock();
        }
        int fail = sim.faults.consumeFailure(n.ordinal);
        if (fail > 0) {
            return injectedFailure(r, fail);
        }
        return route(r);
    }

    Resp injectedFailure(Req r, int status) {
        return switch (status) {
            case 400 -> error(r, 400, "Cannot execute command", "java.lang.IllegalArgumentException", null);
            case 401 -> error(r, 401, "No authentication was provided", SECURITY_EXCEPTION, null).header("WWW-Authenticate", "Basic");
            case 403 -> error(r, 403, "Security error", SECURITY_EXCEPTION, null);
            case 404 -> error(r, 404, "Record not found", "com.arcadedb.exception.RecordNotFoundException", null);
            case 409 -> error(r, 409, "Found duplicate key in index", "com.arcadedb.exception.DuplicatedKeyException", null);
            case 500 -> error(r, 500, "Internal error", "com.arcadedb.exception.ArcadeDBException", null);
            case 503 -> error(r, 503, "Cannot execute command", NEED_RETRY, null);
            default -> error(r, status, "Injected failure", "com.arcadedb.exception.ArcadeDBException", null);
        };
    }

    // ------------------------------------------------------------------ routing and auth

    private enum Auth { NONE, OK, BAD }

    private Resp route(Req r) {
        String p = r.path;
        if (p.equals("/api/v1/health")) {
            return authenticate(r) == Auth.BAD ? forbidden(r) : empty(204);
        }
        if (p.equals("/api/v1/ready")) {
            return authenticate(r) == Auth.BAD ? forbidden(r) : ready(r);
        }
        if (p.startsWith("/api/v1/ha/snapshot/")) {
            return snapshot(r, p.substring("/api/v1/ha/snapshot/".length()));
        }
        Auth a = authenticate(r);
        if (a == Auth.NONE) {
            return error(r, 401, "No authentication was provided", SECURITY_EXCEPTION, null).header("WWW-Authenticate", "Basic");
        }
        if (a == Auth.BAD) {
            return forbidden(r);
        }
        // HA routes (method-agnostic, §1.4)
        if (p.equals("/api/v1/cluster")) {
            return cluster(r);
        }
        if (p.equals("/api/v1/cluster/leader")) {
            return transfer(r);
        }
        if (p.equals("/api/v1/cluster/peer")) {
            return addPeer(r);
        }
        if (p.startsWith("/api/v1/cluster/peer/")) {
            return removePeer(r, p.substring("/api/v1/cluster/peer/".length()));
        }
        if (p.equals("/api/v1/cluster/stepdown")) {
            return stepdown(r);
        }
        if (p.equals("/api/v1/cluster/leave")) {
            return leave(r);
        }
        if (p.startsWith("/api/v1/cluster/verify/")) {
            return verify(r, p.substring("/api/v1/cluster/verify/".length()));
        }
        if (p.startsWith("/api/v1/cluster/resync/")) {
            return resync(r, p.substring("/api/v1/cluster/resync/".length()));
        }
        // standard routes
        if (p.equals("/api/v1/server")) {
            if (r.method.equals("GET")) {
                return serverInfo(r);
            }
            return r.method.equals("POST") ? idempotent(r, () -> serverCommand(r)) : methodNotAllowed();
        }
        if (p.startsWith("/api/v1/command/")) {
            return r.method.equals("POST") ? idempotent(r, () -> command(r, p.substring("/api/v1/command/".length()), false))
                    : methodNotAllowed();
        }
        if (p.startsWith("/api/v1/query/")) {
            return r.method.equals("POST") ? command(r, p.substring("/api/v1/query/".length()), true) : methodNotAllowed();
        }
        if (p.startsWith("/api/v1/exists/")) {
            String db = p.substring("/api/v1/exists/".length());
            sim.lock.lock();
            try {
                return result(200, r.node.dbs.containsKey(db));
            } finally {
                sim.lock.unlock();
            }
        }
        if (p.equals("/api/v1/databases")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", sim.version.display());
            m.put("user", "root");
            sim.lock.lock();
            try {
                m.put("result", new ArrayList<>(r.node.dbs.keySet()));
            } finally {
                sim.lock.unlock();
            }
            return json(200, m);
        }
        return plainError(404, "Not found");
    }

    private Resp methodNotAllowed() {
        return plainError(405, "Method not allowed");
    }

    private Resp forbidden(Req r) {
        return error(r, 403, "Security error", SECURITY_EXCEPTION, null);
    }

    /** Basic root:password only; wrong credentials count towards the 5-in-30-s lockout of that user name. */
    private Auth authenticate(Req r) {
        String h = r.header("Authorization");
        if (h == null) {
            return Auth.NONE;
        }
        String user = "?";
        boolean ok = false;
        if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
                String[] parts = decoded.split(":", -1);
                if (parts.length == 2) {
                    user = parts[0];
                    ok = parts[0].equals("root") && parts[1].equals(sim.password);
                }
            } catch (IllegalArgumentException e) {
                ok = false;
            }
        }
        SimNode n = r.node;
        long now = System.nanoTime();
        sim.lock.lock();
        try {
            Long locked = n.lockedUntilNanos.get(user);
            if (locked != null && now - locked < 0) {
                return Auth.BAD;
            }
            if (ok) {
                return Auth.OK;
            }
            java.util.ArrayDeque<Long> failures = n.authFailures.computeIfAbsent(user, k -> new java.util.ArrayDeque<>());
            failures.addLast(now);
            while (!failures.isEmpty() && now - failures.peekFirst() > LOCKOUT_WINDOW_NANOS) {
                failures.removeFirst();
            }
            if (failures.size() >= LOCKOUT_ATTEMPTS) {
                n.lockedUntilNanos.put(user, now + LOCKOUT_WINDOW_NANOS);
                failures.clear();
            }
            return Auth.BAD;
        } finally {
            sim.lock.unlock();
        }
    }

    /** §1.5: a POST with X-Request-Id replays the first successful answer within the TTL. */
    private Resp idempotent(Req r, java.util.function.Supplier<Resp> action) {
        String id = r.header("X-Request-Id");
        if (id == null || id.isBlank() || r.header("arcadedb-session-id") != null) {
            return action.get();
        }
        String key = id + "|" + r.method + "|" + r.path + "|" + r.text();
        long now = System.nanoTime();
        sim.lock.lock();
        try {
            Cached c = r.node.idempotency.get(key);
            if (c != null && now - c.expiresNanos() < 0) {
                return c.resp();
            }
        } finally {
            sim.lock.unlock();
        }
        Resp resp = action.get();
        if (resp != null && resp.status >= 200 && resp.status < 300) {
            long ttl = TimeUnit.MILLISECONDS.toNanos(sim.settingLong("arcadedb.ha.idempotencyCacheTtlMs", 60000));
            sim.lock.lock();
            try {
                r.node.idempotency.entrySet().removeIf(e -> now - e.getValue().expiresNanos() >= 0);
                r.node.idempotency.put(key, new Cached(now + ttl, resp));
            } finally {
                sim.lock.unlock();
            }
        }
        return resp;
    }

    // ------------------------------------------------------------------ health, ready, cluster

    private Resp ready(Req r) {
        SimNode n = r.node;
        sim.lock.lock();
        try {
            if (!n.online || sim.faults.isNotStarted(n.ordinal)) {
                return new Resp(503, JSON, "Server not started yet".getBytes(StandardCharsets.UTF_8));
            }
            if (sim.settingBool("arcadedb.server.readinessRequiresHA", false)) {
                if (n.knownLeader == null) {
                    return new Resp(503, JSON, "Node has not yet joined the Raft group".getBytes(StandardCharsets.UTF_8));
                }
                boolean caughtUp;
                if (sim.isAliveLeader(n)) {
                    caughtUp = !sim.version.atLeast268() || sim.leaderReady;
                } else {
                    long maxLag = Math.max(0, sim.settingLong("arcadedb.server.readinessHAMaxLag", 100));
                    long lag = n.knownCommit - n.appliedIndex;
                    caughtUp = lag >= 0 && lag <= maxLag;
                }
                if (!sim.members.contains(n.ordinal) || (sim.version.atLeast268() && n.installing) || !caughtUp) {
                    return new Resp(503, JSON, "Node is not yet in the Raft configuration or has not caught up"
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            return empty(204);
        } finally {
            sim.lock.unlock();
        }
    }

    private Resp cluster(Req r) {
        String presenceParam = r.query().get("presence");
        boolean presence = presenceParam != null && (presenceParam.isEmpty() || presenceParam.equals("true") || presenceParam.equals("1"));
        SimNode n = r.node;
        sim.lock.lock();
        try {
            if (sim.faults.isNotStarted(n.ordinal)) {
                return plainError(503, "Raft HA not started yet");
            }
            // in the restart window too: 200 with raftState NEW, then STARTING, and no leader (seen on 26.8.1)
            return json(200, clusterJson(n, presence));
        } finally {
            sim.lock.unlock();
        }
    }

    /** The leader this node reports (another peer than the one it really follows under the disagree fault). */
    private Integer reportedLeader(SimNode n) {
        Integer known = n.knownLeader;
        if (known == null || !sim.faults.isDisagreeing(n.ordinal) || sim.listSize < 2) {
            return known;
        }
        return (known + 1) % sim.listSize;
    }

    private String shownPeerId(int ordinal) {
        SimNode p = sim.nodes.get(ordinal);
        return sim.faults.isWrongPeerIds() ? p.host + ":" + sim.raftPort : p.peerId;
    }

    /** GET /api/v1/cluster body (§2); lock held. */
    Map<String, Object> clusterJson(SimNode n, boolean presence) {
        boolean v8 = sim.version.atLeast268();
        boolean head = sim.version.head();
        long now = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("implementation", "raft");
        m.put("clusterName", sim.clusterName());
        m.put("localPeerId", n.peerId);
        if (v8) {
            m.put("raftState", sim.raftState(n, now));
        }
        boolean isLeader = sim.isAliveLeader(n);
        m.put("isLeader", isLeader);
        if (v8) {
            m.put("leaderReady", isLeader && sim.leaderReady);
        }
        Integer shown = reportedLeader(n);
        m.put("leaderId", shown == null ? null : sim.nodes.get(shown).peerId);
        m.put("leaderHttpAddress", shown == null ? null : sim.httpAddressOf(shown));
        m.put("electionCount", n.electionCount);
        m.put("lastElectionTime", n.lastElectionTime);
        m.put("uptime", TimeUnit.NANOSECONDS.toMillis(now - n.startedNanos));
        List<Map<String, Object>> peers = new ArrayList<>();
        int listed = Math.max(sim.listSize, n.ordinal + 1);
        long threshold = sim.lagWarning();
        for (int i = 0; i < listed; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", shownPeerId(i));
            e.put("address", sim.raftAddressOf(i));
            if (head) {
                e.put("httpAddress", sim.httpAddressOf(i));
            }
            e.put("role", shown != null && shown == i ? "LEADER" : "FOLLOWER");
            if (isLeader && i != n.ordinal && sim.members.contains(i) && sim.view != null) {
                ClusterSimulator.FollowerTrack tr = sim.view.track(i);
                SimNode f = sim.nodes.get(i);
                long match = tr.knownMatch;
                long lag = match < 0 ? -1 : Math.max(0, sim.commitIndex - match);
                e.put("matchIndex", match);
                e.put("nextIndex", match >= 0 ? match + 1 : sim.raftLog.size() + 1L);
                e.put("replicationLag", lag);
                e.put("lastContactMs", f.lastContactNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - f.lastContactNanos));
                e.put("replicaStatus", tr.status);
                e.put("laggingForMs", tr.nonHealthySinceNanos < 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(now - tr.nonHealthySinceNanos));
                e.put("lagging", threshold > 0 && lag > threshold);
                if (v8 && tr.rttSampled) {
                    e.put("replicationRttMs", Math.round(f.rttMs * 100) / 100.0);
                    e.put("replicationRttP99Ms", Math.round(f.rttP99Ms * 100) / 100.0);
                }
            }
            peers.add(e);
        }
        shuffleOutOfOrder(peers);
        m.put("peers", peers);
        List<Map<String, Object>> dbs = new ArrayList<>();
        for (String db : n.dbs.keySet()) {
            dbs.add(Map.of("name", db));
        }
        m.put("databases", dbs);
        if (presence && isLeader) {
            m.put("databasePresence", databasePresence());
        }
        m.put("alerts", isLeader ? alerts(now) : List.of());
        return m;
    }

    /** The order of peers[] is arbitrary in reality; here it is random and never the ordinal order. */
    private void shuffleOutOfOrder(List<Map<String, Object>> peers) {
        if (peers.size() < 2) {
            return;
        }
        List<Map<String, Object>> original = new ArrayList<>(peers);
        do {
            Collections.shuffle(peers, sim.random);
        } while (peers.equals(original));
    }

    private Map<String, Object> databasePresence() {
        List<String> nodeIds = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (int m : sim.members) {
            SimNode p = sim.nodes.get(m);
            nodeIds.add(p.peerId);
            if (!p.running || sim.faults.isRefused(m)) {
                unreachable.add(p.peerId);
            } else {
                names.addAll(p.dbs.keySet());
            }
        }
        List<Map<String, Object>> dbs = new ArrayList<>();
        for (String name : names) {
            List<String> present = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (int m : sim.members) {
                SimNode p = sim.nodes.get(m);
                if (!p.running || sim.faults.isRefused(m)) {
                    continue;
                }
                (p.dbs.containsKey(name) ? present : missing).add(p.peerId);
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", name);
            d.put("present", present);
            d.put("missing", missing);
            dbs.add(d);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", nodeIds);
        out.put("unreachable", unreachable);
        out.put("databases", dbs);
        return out;
    }

    private List<Map<String, Object>> alerts(long now) {
        if (sim.view == null) {
            return List.of();
        }
        List<Map<String, Object>> details = new ArrayList<>();
        boolean critical = false;
        for (Map.Entry<Integer, ClusterSimulator.FollowerTrack> e : sim.view.tracks.entrySet()) {
            ClusterSimulator.FollowerTrack tr = e.getValue();
            if (!sim.members.contains(e.getKey())) {
                continue;
            }
            if (ClusterSimulator.STATUS_STALLED.equals(tr.status) || ClusterSimulator.STATUS_FALLING_BEHIND.equals(tr.status)) {
                critical |= ClusterSimulator.STATUS_STALLED.equals(tr.status);
                SimNode f = sim.nodes.get(e.getKey());
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("peerId", f.peerId);
                d.put("status", tr.status);
                d.put("replicationLag", tr.knownMatch < 0 ? -1 : Math.max(0, sim.commitIndex - tr.knownMatch));
                d.put("lastContactMs", f.lastContactNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - f.lastContactNanos));
                d.put("laggingForMs", tr.nonHealthySinceNanos < 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(now - tr.nonHealthySinceNanos));
                details.add(d);
            }
        }
        if (details.isEmpty()) {
            return List.of();
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", "lagging-followers");
        a.put("severity", critical ? "critical" : "warning");
        a.put("title", "Lagging followers");
        a.put("message", details.size() + " follower(s) are not keeping up with the leader");
        a.put("recommendation", "Check the followers' connectivity, disk and load; a STALLED follower is resynced by the leader");
        a.put("details", Map.of("nodes", details));
        return List.of(a);
    }

    // ------------------------------------------------------------------ leadership and membership

    private JsonNode parseBody(Req r) {
        if (r.body.length == 0 || r.text().isBlank()) {
            return null;
        }
        try {
            return sim.json.readTree(r.body);
        } catch (IOException e) {
            return null;
        }
    }

    private Resp transfer(Req r) {
        boolean v8 = sim.version.atLeast268();
        JsonNode body = parseBody(r);
        String expected = "Expected {\"peerId\": \"<peer id>\", \"timeoutMs\": <ms>} for a targeted transfer or {} for an untargeted one";
        if (body == null || !body.isObject()) {
            return v8 ? plainError(400, "Missing request body. " + expected)
                    : error(r, 500, "Internal error", "java.lang.NullPointerException", null);
        }
        if (v8) {
            Iterator<String> names = body.fieldNames();
            while (names.hasNext()) {
                String k = names.next();
                if (!k.equals("peerId") && !k.equals("timeoutMs")) {
                    return plainError(400, "Unknown field '" + k + "'. " + expected);
                }
            }
        }
        String peerId = body.hasNonNull("peerId") ? body.get("peerId").asText() : null;
        long timeoutMs = body.hasNonNull("timeoutMs") ? body.get("timeoutMs").asLong(30000) : 30000;
        if (sim.faults.isRejectTransfer()) {
            sim.sleepNanos(sim.timings.transferDelay().toNanos() / 4);
            return error(r, 500, "Internal error", CONFIGURATION, null);
        }
        boolean targeted = peerId != null && !peerId.isEmpty();
        ClusterSimulator.TransferResult res = sim.transfer(r.node, peerId, timeoutMs, false);
        if (res.outcome() == ClusterSimulator.TransferOutcome.OK) {
            Map<String, Object> m = new LinkedHashMap<>();
            String newLeader = res.newLeader() == null ? "" : sim.nodes.get(res.newLeader()).peerId;
            m.put("result", targeted ? "Leadership transferred to " + peerId : "Leadership transferred");
            if (v8) {
                m.put("leaderId", targeted ? peerId : newLeader);
            }
            return json(200, m);
        }
        if (!targeted) {
            return plainError(500, "Leadership transfer failed");
        }
        return error(r, 500, "Internal error", CONFIGURATION, null);
    }

    private Resp stepdown(Req r) {
        SimNode n = r.node;
        boolean leader;
        sim.lock.lock();
        try {
            leader = sim.isAliveLeader(n);
        } finally {
            sim.lock.unlock();
        }
        if (leader) {
            ClusterSimulator.TransferResult res = sim.transfer(n, null, 10000, true);
            if (res.outcome() != ClusterSimulator.TransferOutcome.OK) {
                sim.lock.lock();
                try {
                    sim.log(n, "SEVERE", "RaftHAServer", "Cannot step down: no other peer available for leadership transfer");
                } finally {
                    sim.lock.unlock();
                }
            }
        }
        return result(200, "Leadership step-down initiated");
    }

    private Resp leave(Req r) {
        SimNode n = r.node;
        boolean force = "true".equals(r.query().get("force"));
        boolean leader;
        sim.lock.lock();
        try {
            if (!sim.members.contains(n.ordinal) || sim.members.size() == 1) {
                return result(200, "Server " + n.peerId + " leaving cluster");
            }
            leader = sim.isAliveLeader(n);
        } finally {
            sim.lock.unlock();
        }
        if (leader) {
            sim.transfer(n, null, 10000, false);
        }
        sim.lock.lock();
        try {
            if (!alive(r)) {
                return null;
            }
            int total = sim.members.size();
            int required = total / 2 + 1;
            if (!force && total - 1 < required) {
                return plainError(409, "Cannot leave the cluster: " + (total - 1) + " voters would remain but " + required
                        + " are required for quorum");
            }
            long deadline = System.nanoTime() + sim.msSetting("arcadedb.ha.forwardLeaderWaitTimeoutMs", sim.timings.forwardLeaderWait())
                    * 1_000_000L;
            while (sim.aliveLeader() == null) {
                if (!sim.awaitUntil(deadline)) {
                    return plainError(409, "Cannot leave the cluster: no leader available");
                }
            }
            if (sim.members.contains(n.ordinal)) {
                sim.removeMember(n.ordinal);
            }
            return result(200, "Server " + n.peerId + " leaving cluster");
        } finally {
            sim.lock.unlock();
        }
    }

    private Resp addPeer(Req r) {
        JsonNode body = parseBody(r);
        if (body == null || !body.isObject()) {
            return error(r, 500, "Internal error", "java.lang.NullPointerException", null);
        }
        String peerId = body.path("peerId").asText("");
        String address = body.path("address").asText("");
        if (peerId.isBlank() || address.isBlank()) {
            return plainError(400, "Missing required fields: peerId, address");
        }
        Integer ord = sim.ordinalOf(peerId);
        long deadline = System.nanoTime() + sim.timings.addPeerTimeout().toNanos();
        sim.lock.lock();
        try {
            if (ord != null && sim.members.contains(ord)) {
                return result(200, "Peer " + peerId + " added");
            }
            RaftEntry entry = null;
            while (entry == null) {
                Integer l = sim.aliveLeader();
                if (l != null && sim.nodes.get(l).online && ord != null && sim.nodes.get(ord).running && sim.nodes.get(ord).online) {
                    if (sim.members.contains(ord)) {
                        return result(200, "Peer " + peerId + " added");
                    }
                    entry = sim.addMember(ord, address);
                } else if (!sim.awaitUntil(deadline)) {
                    return error(r, 500, "Internal error", CONFIGURATION, null);
                }
            }
            while (sim.commitIndex < entry.index()) {
                if (sim.raftLog.size() < entry.index() || sim.raftLog.get((int) entry.index() - 1) != entry || !sim.awaitUntil(deadline)) {
                    break; // the configuration is in place even if its entry was not seen committed in time
                }
            }
            return result(200, "Peer " + peerId + " added");
        } finally {
            sim.lock.unlock();
        }
    }

    private Resp removePeer(Req r, String peerId) {
        if (peerId.isEmpty()) {
            return plainError(400, "Missing peerId in path");
        }
        boolean force = "true".equals(r.query().get("force"));
        long deadline = System.nanoTime()
                + sim.msSetting("arcadedb.ha.forwardLeaderWaitTimeoutMs", sim.timings.forwardLeaderWait()) * 1_000_000L;
        sim.lock.lock();
        try {
            while (sim.aliveLeader() == null) {
                if (!sim.awaitUntil(deadline)) {
                    return plainError(409, "Failed to remove peer " + peerId + ": no leader available");
                }
            }
            Integer ord = sim.ordinalOf(peerId);
            if (ord == null || !sim.members.contains(ord)) {
                return plainError(409, "Peer " + peerId + " not found in cluster");
            }
            int total = sim.members.size();
            int required = total / 2 + 1;
            if (!force && total - 1 < required) {
                return plainError(409, "Cannot remove peer " + peerId + ": " + (total - 1) + " voters would remain but "
                        + required + " are required for quorum (use force=true to override)");
            }
            sim.removeMember(ord);
            return result(200, "Peer " + peerId + " removed");
        } finally {
            sim.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ verify, resync, snapshot

    private Resp verify(Req r, String db) {
        if (!DB_NAME.matcher(db).matches()) {
            return plainError(400, "Invalid database name");
        }
        SimNode n = r.node;
        sim.lock.lock();
        try {
            SimDb d = n.dbs.get(db);
            if (d == null) {
                return plainError(404, "Database '" + db + "' not found");
            }
            Map<String, long[]> files = d.files();
            Map<String, Object> checksums = new LinkedHashMap<>();
            List<Map<String, Object>> fileList = new ArrayList<>();
            files.forEach((name, v) -> {
                checksums.put(name, v[0]);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("name", name);
                f.put("checksum", v[0]);
                f.put("size", v[1]);
                f.put("type", name.endsWith(".bucket") ? "bucket" : "schema");
                fileList.add(f);
            });
            if (!sim.isAliveLeader(n)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("localChecksums", checksums);
                m.put("files", fileList);
                m.put("localServer", n.serverName);
                return json(200, m);
            }
            List<Map<String, Object>> peers = new ArrayList<>();
            boolean inconsistent = false;
            boolean incomplete = false;
            for (int i = 0; i < sim.listSize; i++) {
                if (i == n.ordinal) {
                    continue;
                }
                SimNode p = sim.nodes.get(i);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("peerId", p.peerId);
                e.put("httpAddress", sim.httpAddressOf(i));
                if (!p.running || sim.faults.isRefused(i)) {
                    e.put("status", "ERROR");
                    e.put("matchingFiles", 0);
                    e.put("mismatchedFiles", 0);
                    e.put("mismatches", List.of());
                    e.put("error", "Connection refused");
                    incomplete = true;
                    peers.add(e);
                    continue;
                }
                p.requests.incrementAndGet();
                SimDb pd = p.dbs.get(db);
                Map<String, long[]> remote = pd == null ? Map.of() : pd.files();
                int matching = 0;
                List<Map<String, Object>> mismatches = new ArrayList<>();
                TreeSet<String> all = new TreeSet<>(files.keySet());
                all.addAll(remote.keySet());
                for (String f : all) {
                    long[] lv = files.get(f);
                    long[] rv = remote.get(f);
                    if (lv != null && rv != null && lv[0] == rv[0]) {
                        matching++;
                    } else {
                        Map<String, Object> mm = new LinkedHashMap<>();
                        mm.put("file", f);
                        mm.put("type", f.endsWith(".bucket") ? "bucket" : "schema");
                        mm.put("localChecksum", lv == null ? "MISSING" : lv[0]);
                        mm.put("remoteChecksum", rv == null ? "MISSING" : rv[0]);
                        mismatches.add(mm);
                    }
                }
                e.put("status", mismatches.isEmpty() ? "CONSISTENT" : "INCONSISTENT");
                e.put("matchingFiles", matching);
                e.put("mismatchedFiles", mismatches.size());
                e.put("mismatches", mismatches);
                e.put("error", null);
                inconsistent |= !mismatches.isEmpty();
                peers.add(e);
            }
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("database", db);
            res.put("files", fileList);
            res.put("localServer", n.serverName);
            res.put("localPeerId", n.peerId);
            res.put("localChecksums", checksums);
            res.put("peers", peers);
            res.put("overallStatus", inconsistent ? "INCONSISTENCY_DETECTED" : incomplete ? "VERIFICATION_INCOMPLETE" : "ALL_CONSISTENT");
            return result(200, res);
        } finally {
            sim.lock.unlock();
        }
    }

    private Resp resync(Req r, String db) {
        if (!DB_NAME.matcher(db).matches()) {
            return plainError(400, "Invalid database name");
        }
        SimNode n = r.node;
        int leaderOrd;
        sim.lock.lock();
        try {
            if (sim.isAliveLeader(n)) {
                return plainError(400, "This server is the leader and holds the authoritative copy of database '" + db
                        + "'; send the resync to a follower");
            }
            Integer l = n.knownLeader;
            if (l == null || sim.aliveLeader() == null || !sim.aliveLeader().equals(l)) {
                return plainError(503, "No leader available to resync database '" + db + "' from");
            }
            leaderOrd = l;
            sim.log(n, "INFO", "DatabaseReconciler", "Refreshing database '" + db + "' from leader " + sim.httpAddressOf(l) + "...");
            sim.log(sim.nodes.get(l), "INFO", "SnapshotHttpHandler", "Serving database snapshot for '" + db + "'...");
        } finally {
            sim.lock.unlock();
        }
        sim.sleepNanos(sim.timings.snapshotInstallDelay().toNanos());
        sim.lock.lock();
        try {
            if (!alive(r)) {
                return null;
            }
            if (!sim.copyDatabaseFromLeader(n, leaderOrd, db)) {
                return plainError(500, "Resync of database '" + db + "' failed: the leader could not serve it");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("result", "Database '" + db + "' resynced from leader");
            m.put("database", db);
            m.put("localServer", n.serverName);
            return json(200, m);
        } finally {
            sim.lock.unlock();
        }
    }

    private Resp snapshot(Req r, String rest) {
        String h = r.header("Authorization");
        if (h == null) {
            return text(401, "Unauthorized").header("WWW-Authenticate", "Basic realm=\"ArcadeDB\"");
        }
        if (authenticate(r) != Auth.OK) {
            return text(403, "Forbidden");
        }
        boolean checksums = rest.endsWith("/checksums");
        String db = checksums ? rest.substring(0, rest.length() - "/checksums".length()) : rest;
        if (!DB_NAME.matcher(db).matches()) {
            return text(400, "Invalid database name");
        }
        SimNode n = r.node;
        sim.lock.lock();
        try {
            SimDb d = n.dbs.get(db);
            if (d == null) {
                return text(404, "Database '" + db + "' not found");
            }
            if (checksums) {
                Map<String, Object> m = new LinkedHashMap<>();
                d.files().forEach((k, v) -> m.put(k, v[0]));
                return json(200, m);
            }
            sim.log(n, "INFO", "SnapshotHttpHandler", "Serving database snapshot for '" + db + "'...");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                List<String> names = new ArrayList<>();
                for (SimDb.SimType t : d.types.values()) {
                    String name = t.name + "_0." + t.bucket + ".65536.v0.bucket";
                    names.add(name);
                    zip.putNextEntry(new ZipEntry(name));
                    zip.write(sim.json.writeValueAsBytes(t.rows));
                    zip.closeEntry();
                }
                zip.putNextEntry(new ZipEntry(".arcadedb-snapshot-manifest.json"));
                zip.write(sim.json.writeValueAsBytes(Map.of("database", db, "files", names)));
                zip.closeEntry();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Resp(200, "application/zip", bytes.toByteArray())
                    .header("Content-Disposition", "attachment; filename=\"" + db + "-snapshot.zip\"")
                    .header("X-ArcadeDB-Snapshot-Manifest", "1");
        } finally {
            sim.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ server info and server commands

    private Resp serverInfo(Req r) {
        String mode = r.query().getOrDefault("mode", "default");
        SimNode n = r.node;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", "root");
        m.put("version", sim.version.display());
        m.put("serverName", n.serverName);
        m.put("languages", List.of("sql"));
        if (!mode.equals("cluster")) {
            return json(200, m);
        }
        sim.lock.lock();
        try {
            Integer shown = reportedLeader(n);
            boolean isLeader = sim.isAliveLeader(n);
            Map<String, Object> ha = new LinkedHashMap<>();
            ha.put("clusterName", sim.clusterName());
            ha.put("leader", shown == null ? null : sim.display(shown));
            ha.put("electionStatus", shown != null ? "DONE" : "VOTING_FOR_ME");
            Map<String, Object> network = new LinkedHashMap<>();
            network.put("localPeerId", n.peerId);
            network.put("isLeader", isLeader);
            network.put("leaderReady", isLeader && sim.leaderReady);
            network.put("configuredServers", sim.listSize);
            Map<String, Object> lags = new LinkedHashMap<>();
            if (isLeader && sim.view != null) {
                for (int m2 : sim.members) {
                    if (m2 != n.ordinal) {
                        long match = sim.view.track(m2).knownMatch;
                        lags.put(sim.nodes.get(m2).peerId, match < 0 ? -1 : Math.max(0, sim.commitIndex - match));
                    }
                }
            }
            network.put("replicaLags", lags);
            List<Map<String, Object>> replicas = new ArrayList<>();
            List<String> replicaAddresses = new ArrayList<>();
            for (int i = 0; i < sim.listSize; i++) {
                if (shown != null && shown == i) {
                    continue;
                }
                Map<String, Object> rep = new LinkedHashMap<>();
                rep.put("id", sim.nodes.get(i).peerId);
                rep.put("address", sim.raftAddressOf(i));
                rep.put("httpAddress", sim.httpAddressOf(i));
                replicas.add(rep);
                replicaAddresses.add(sim.httpAddressOf(i));
            }
            network.put("replicas", replicas);
            ha.put("network", network);
            List<Map<String, Object>> dbs = new ArrayList<>();
            for (String db : n.dbs.keySet()) {
                dbs.add(Map.of("name", db, "quorum", "majority"));
            }
            ha.put("databases", dbs);
            ha.put("leaderAddress", shown == null ? null : sim.httpAddressOf(shown));
            ha.put("replicaAddresses", String.join(",", replicaAddresses));
            m.put("ha", ha);
            return json(200, m);
        } finally {
            sim.lock.unlock();
        }
    }

    private Resp serverCommand(Req r) {
        JsonNode body = parseBody(r);
        if (body == null || !body.hasNonNull("command") || body.get("command").asText().isBlank()) {
            return plainError(400, "Server command is null");
        }
        String command = body.get("command").asText().trim();
        String lower = command.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("list databases")) {
            sim.lock.lock();
            try {
                return result(200, new ArrayList<>(r.node.dbs.keySet()));
            } finally {
                sim.lock.unlock();
            }
        }
        if (lower.startsWith("create database ")) {
            return databaseCommand(r, true, command.substring("create database ".length()).trim());
        }
        if (lower.startsWith("drop database ")) {
            return databaseCommand(r, false, command.substring("drop database ".length()).trim());
        }
        return plainError(400, "Server command not valid");
    }

    private Resp databaseCommand(Req r, boolean create, String name) {
        if (!DB_NAME.matcher(name).matches()) {
            return error(r, 400, "Cannot execute command", "java.lang.IllegalArgumentException", null);
        }
        SimNode n = r.node;
        Integer known;
        sim.lock.lock();
        try {
            if (!alive(r)) {
                return null;
            }
            known = n.knownLeader;
        } finally {
            sim.lock.unlock();
        }
        Prepare prep = ln -> {
            boolean exists = ln.dbs.containsKey(name);
            for (RaftEntry e : sim.pendingOf(ln)) {
                if (name.equals(e.database()) && e.kind() == RaftEntry.Kind.CREATE_DATABASE) {
                    exists = true;
                } else if (name.equals(e.database()) && e.kind() == RaftEntry.Kind.DROP_DATABASE) {
                    exists = false;
                }
            }
            if (create && exists) {
                return error(r, 400, "Cannot execute command", "java.lang.IllegalArgumentException", null);
            }
            if (!create && !exists) {
                return error(r, 400, "Cannot execute command", "java.lang.IllegalArgumentException", null);
            }
            return new Planned(create ? RaftEntry.Kind.CREATE_DATABASE : RaftEntry.Kind.DROP_DATABASE, name, null, 0, null, null, 0,
                    () -> result(200, "ok"));
        };
        Resp res = leaderWrite(n, r.inc, r, prep);
        if (res != NOT_LEADER) {
            return res;
        }
        // follower: forward to the leader with the caller's Authorization header (§6.4)
        if (r.hops > 0 && (sim.version.head() || r.hops > 1)) {
            return notTheLeader(r, known);
        }
        if (known == null || known == n.ordinal) {
            return notTheLeader(r, null);
        }
        int target = known;
        Resp fwd = invokeOn(target, r, (t, tInc) -> databaseCommand(r.on(t, tInc), create, name));
        if (fwd == UNREACHABLE || fwd == null || fwd == NOT_LEADER) {
            return error(r, 500, "Internal error", "java.net.ConnectException", null);
        }
        return fwd;
    }

    private Resp notTheLeader(Req r, Integer known) {
        String args;
        sim.lock.lock();
        try {
            args = known == null ? "" : sim.display(known);
        } finally {
            sim.lock.unlock();
        }
        return error(r, 400, "Cannot execute command", NOT_THE_LEADER, args);
    }

    // ------------------------------------------------------------------ writes through Raft

    /** Runs under the lock on the leader after the readiness and quorum checks: a final answer or a planned entry. */
    interface Prepare {
        Object prepare(SimNode leader);
    }

    record Planned(RaftEntry.Kind kind, String db, String type, int bucket, String rid, Map<String, Object> fields,
                   long pageVersion, java.util.function.Supplier<Resp> onCommit) {
    }

    interface Remote {
        Resp call(SimNode target, int targetInc);
    }

    /** Calls another node as its HTTP API would be called (counts the request, applies its faults). */
    Resp invokeOn(int target, Req r, Remote call) {
        SimNode t = sim.nodes.get(target);
        t.requests.incrementAndGet();
        Duration slow = sim.faults.slowDelay(target, r.path);
        if (!slow.isZero() && !sim.sleepNanos(slow.toNanos())) {
            return UNREACHABLE;
        }
        int tInc;
        sim.lock.lock();
        try {
            if (!t.running || sim.faults.isRefused(target) || sim.closed
                    || (target != r.node.ordinal && (sim.isCut(target) || sim.isCut(r.node.ordinal)))) {
                return UNREACHABLE;   // a forwarded request does not cross a network cut
            }
            if (swapping(t)) {
                return installingSnapshot();
            }
            tInc = t.incarnation;
        } finally {
            sim.lock.unlock();
        }
        int fail = sim.faults.consumeFailure(target);
        if (fail > 0) {
            return injectedFailure(r, fail);
        }
        return call.call(t, tInc);
    }

    private long quorumTimeoutNanos() {
        return sim.msSetting("arcadedb.ha.quorumTimeout", sim.timings.quorumTimeout()) * 1_000_000L;
    }

    private Resp quorumNotReached(Req r) {
        return error(r, 503, "Cannot execute command", QUORUM_NOT_REACHED, null);
    }

    /**
     * Executes a write on {@code ln} if it is the live leader: NOT_LEADER otherwise; 503 while the new leader is not
     * ready or no quorum is reachable within arcadedb.ha.quorumTimeout; else appends and waits for the commit.
     */
    Resp leaderWrite(SimNode ln, int lnInc, Req r, Prepare prep) {
        if (!sim.awaitThawed(ln)) {   // a frozen leader runs no code: a write forwarded to it waits for the resume
            return null;
        }
        sim.lock.lock();
        try {
            if (!sim.isAliveLeader(ln) || ln.incarnation != lnInc) {
                return NOT_LEADER;
            }
            if (!sim.leaderReady) {
                return error(r, 503, "Cannot execute command", NEED_RETRY, null);
            }
            long deadline = System.nanoTime() + quorumTimeoutNanos();
            while (sim.quorumAvailable() < sim.majority()) {
                if (!sim.awaitUntil(deadline)) {
                    return quorumNotReached(r);
                }
                if (!ln.running || ln.incarnation != lnInc) {
                    return null;
                }
                if (!sim.isAliveLeader(ln)) {
                    return quorumNotReached(r); // stepped down while waiting for a quorum
                }
            }
            Object p = prep.prepare(ln);
            if (p instanceof Resp resp) {
                return resp;
            }
            Planned pl = (Planned) p;
            RaftEntry e = sim.append(pl.kind(), pl.db(), pl.type(), pl.bucket(), pl.rid(), pl.fields(), pl.pageVersion());
            while (true) {
                int idx = (int) e.index();
                if (sim.raftLog.size() < idx || sim.raftLog.get(idx - 1) != e) {
                    return quorumNotReached(r);
                }
                if (sim.commitIndex >= idx && (ln.appliedIndex >= idx || !sim.isAliveLeader(ln))) {
                    return pl.onCommit().get();
                }
                if (!ln.running || ln.incarnation != lnInc) {
                    return null;
                }
                if (!sim.awaitUntil(deadline)) {
                    return quorumNotReached(r);
                }
            }
        } finally {
            sim.lock.unlock();
        }
    }

    /** A write sent to node r.node: executed if it leads, else forwarded to the leader it knows, waiting for one (§6.4). */
    private Resp writeViaLeader(Req r, Prepare prep) {
        SimNode n = r.node;
        long deadline = System.nanoTime() + sim.msSetting("arcadedb.ha.forwardLeaderWaitTimeoutMs", sim.timings.forwardLeaderWait())
                * 1_000_000L;
        while (true) {
            Integer target;
            sim.lock.lock();
            try {
                if (!alive(r)) {
                    return null;
                }
                target = sim.isAliveLeader(n) ? Integer.valueOf(n.ordinal) : n.knownLeader;
            } finally {
                sim.lock.unlock();
            }
            if (target != null) {
                Resp res;
                if (target == n.ordinal) {
                    res = leaderWrite(n, r.inc, r, prep);
                    if (res == null) {
                        return null;
                    }
                } else {
                    res = invokeOn(target, r, (t, tInc) -> leaderWrite(t, tInc, r, prep));
                    if (res == null) {
                        return error(r, 500, "Error on transaction commit", TRANSACTION_EXCEPTION, null);
                    }
                }
                if (res != NOT_LEADER && res != UNREACHABLE) {
                    return res;
                }
            }
            sim.lock.lock();
            try {
                if (!sim.awaitUntil(deadline)) {
                    return error(r, 500, "Error on transaction commit", TRANSACTION_EXCEPTION, null);
                }
            } finally {
                sim.lock.unlock();
            }
        }
    }

    // ------------------------------------------------------------------ /api/v1/command and /api/v1/query

    private Resp command(Req r, String db, boolean queryEndpoint) {
        SimNode n = r.node;
        if (r.body.length == 0 || r.text().isBlank()) {
            return plainError(400, "Command text is null");
        }
        JsonNode body;
        try {
            body = sim.json.readTree(r.body);
        } catch (IOException e) {
            return error(r, 400, "Invalid JSON payload", "com.fasterxml.jackson.core.JsonParseException", null);
        }
        if (body == null || !body.isObject()) {
            return error(r, 400, "Invalid JSON payload", "com.fasterxml.jackson.core.JsonParseException", null);
        }
        String language = body.hasNonNull("language") ? body.get("language").asText() : "";
        if (language.isBlank()) {
            return plainError(400, "Language is null");
        }
        if (!body.hasNonNull("command")) {
            return plainError(400, "Command text is null");
        }
        String command = body.get("command").asText();
        Object params = body.hasNonNull("params") ? sim.json.convertValue(body.get("params"), Object.class) : null;
        long defaultLimit = sim.settingLong("arcadedb.server.httpQueryDefaultLimit", 20000);
        long limit = body.hasNonNull("limit") ? body.get("limit").asLong(defaultLimit) : defaultLimit;
        sim.lock.lock();
        try {
            // a read that asks to wait (linearizable, or a bookmark) waits first and then looks the database up (read())
            if (!n.dbs.containsKey(db) && !(queryEndpoint && asksToWait(r))) {
                return error(r, 500, "Internal error", DATABASE_OPERATION, null);
            }
        } finally {
            sim.lock.unlock();
        }
        if (!language.equalsIgnoreCase("sql")) {
            return error(r, 400, "Cannot execute command", "java.lang.IllegalArgumentException", null);
        }
        SimSql.Stmt stmt;
        try {
            stmt = SimSql.parse(command, params);
        } catch (SimSql.SqlException e) {
            return error(r, 400, "Cannot execute command", SQL_PARSING, null);
        }
        if (queryEndpoint && !SimSql.idempotent(stmt)) {
            return error(r, 400, "Query is not idempotent", NOT_IDEMPOTENT, null);
        }
        if (stmt instanceof SimSql.Select select) {
            return read(r, db, select, limit);
        }
        final long lim = limit;
        sim.lock.lock();
        try {
            if (!alive(r)) {
                return null;
            }
            if (sim.inRestartWindow(n)) {
                return localCommit(r, db, stmt, lim);
            }
        } finally {
            sim.lock.unlock();
        }
        Prepare prep;
        if (stmt instanceof SimSql.CreateType ct) {
            prep = ln -> prepareCreateType(r, ln, db, ct, lim);
        } else {
            SimSql.Insert ins = (SimSql.Insert) stmt;
            prep = ln -> prepareInsert(r, ln, db, ins, lim);
        }
        return writeViaLeader(r, prep);
    }

    /**
     * A write in the node's restart window, before its HA plugin has wrapped the database: run on the local database and
     * answered 200 as on 26.8.1, replicated never (lock held).
     */
    private Resp localCommit(Req r, String db, SimSql.Stmt stmt, long limit) {
        SimNode n = r.node;
        SimDb d = n.dbs.get(db);
        if (d == null) {
            return error(r, 500, "Internal error", DATABASE_OPERATION, null);
        }
        if (stmt instanceof SimSql.CreateType ct) {
            if (d.types.containsKey(ct.type())) {
                return ct.ifNotExists() ? ok(r, n, List.of(), limit) : error(r, 500, "Cannot execute command", COMMAND_EXECUTION, null);
            }
            d.types.put(ct.type(), new SimDb.SimType(ct.type(), d.types.size() + 1));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("operation", "create document type");
            row.put("typeName", ct.type());
            return ok(r, n, List.of(row), limit);
        }
        SimSql.Insert ins = (SimSql.Insert) stmt;
        Map<String, Object> row = sim.localInsert(n, d, ins.type(), ins.values());
        return row == null ? error(r, 500, "Cannot execute command", COMMAND_EXECUTION, null) : ok(r, n, List.of(row), limit);
    }

    private Object prepareCreateType(Req r, SimNode ln, String db, SimSql.CreateType ct, long limit) {
        SimDb d = ln.dbs.get(db);
        if (d == null) {
            return error(r, 500, "Internal error", DATABASE_OPERATION, null);
        }
        boolean exists = d.types.containsKey(ct.type());
        int pendingTypes = 0;
        for (RaftEntry e : sim.pendingOf(ln)) {
            if (e.kind() == RaftEntry.Kind.CREATE_TYPE && db.equals(e.database())) {
                pendingTypes++;
                exists |= ct.type().equals(e.type());
            }
        }
        if (exists) {
            return ct.ifNotExists() ? ok(r, ln, List.of(), limit)
                    : error(r, 500, "Cannot execute command", COMMAND_EXECUTION, null);
        }
        int bucket = d.types.size() + pendingTypes + 1;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("operation", "create document type");
        row.put("typeName", ct.type());
        return new Planned(RaftEntry.Kind.CREATE_TYPE, db, ct.type(), bucket, null, null, 0, () -> ok(r, ln, List.of(row), limit));
    }

    private Object prepareInsert(Req r, SimNode ln, String db, SimSql.Insert ins, long limit) {
        SimDb d = ln.dbs.get(db);
        if (d == null) {
            return error(r, 500, "Internal error", DATABASE_OPERATION, null);
        }
        SimDb.SimType t = d.types.get(ins.type());
        int bucket = t == null ? -1 : t.bucket;
        long pos = t == null ? 0 : t.nextPos;
        for (RaftEntry e : sim.pendingOf(ln)) {
            if (!db.equals(e.database()) || !ins.type().equals(e.type())) {
                continue;
            }
            if (e.kind() == RaftEntry.Kind.CREATE_TYPE && bucket < 0) {
                bucket = e.bucket();
            } else if (e.kind() == RaftEntry.Kind.INSERT) {
                pos++;
            }
        }
        if (bucket < 0) {
            return error(r, 500, "Cannot execute command", COMMAND_EXECUTION, null);
        }
        String rid = "#" + bucket + ":" + pos;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("@rid", rid);
        row.put("@type", ins.type());
        row.put("@cat", "d");
        row.putAll(ins.values());
        return new Planned(RaftEntry.Kind.INSERT, db, ins.type(), bucket, rid, new LinkedHashMap<>(ins.values()),
                sim.projectedPageVersion(ln, db, ins.type()),
                () -> ok(r, ln, List.of(row), limit));
    }

    private static boolean asksToWait(Req r) {
        return "linearizable".equalsIgnoreCase(r.header("X-ArcadeDB-Read-Consistency")) || r.header("X-ArcadeDB-Read-After") != null
                || r.header("X-ArcadeDB-Commit-Index") != null;
    }

    /** A read, always local (eventual on followers unless a read-consistency header asks to wait, §6.5). */
    private Resp read(Req r, String db, SimSql.Select s, long limit) {
        SimNode n = r.node;
        String consistency = r.header("X-ArcadeDB-Read-Consistency");
        String after = r.header("X-ArcadeDB-Read-After");
        if (after == null) {
            after = r.header("X-ArcadeDB-Commit-Index");
        }
        sim.lock.lock();
        try {
            long waitFor = -1;
            if ("linearizable".equalsIgnoreCase(consistency) && sim.aliveLeader() != null) {
                waitFor = sim.commitIndex;
            }
            if (after != null) {
                try {
                    waitFor = Math.max(waitFor, Long.parseLong(after.trim()));
                } catch (NumberFormatException ignored) {
                    // not a bookmark
                }
            }
            if (waitFor > 0 && !sim.isAliveLeader(n)) {
                long deadline = System.nanoTime() + quorumTimeoutNanos();
                while (n.appliedIndex < waitFor && sim.awaitUntil(deadline)) {
                    if (!alive(r)) {
                        return null;
                    }
                }
            }
            SimDb d = n.dbs.get(db);
            if (d == null) {
                return error(r, 500, "Internal error", DATABASE_OPERATION, null);
            }
            SimDb.SimType t = d.types.get(s.type());
            if (t == null) {
                return error(r, 500, "Cannot execute command", COMMAND_EXECUTION, null);
            }
            return ok(r, n, SimSql.execute(s, t), limit);
        } finally {
            sim.lock.unlock();
        }
    }

    /** 200 {"user":"root","result":[...]} (+ limit/returned/truncated on 26.8.1+); lock held. */
    private Resp ok(Req r, SimNode n, List<Map<String, Object>> rows, long limit) {
        boolean truncated = limit >= 0 && rows.size() > limit;
        List<Map<String, Object>> out = truncated ? rows.subList(0, (int) limit) : rows;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", "root");
        m.put("result", out);
        if (sim.version.atLeast268()) {
            m.put("limit", limit);
            m.put("returned", out.size());
            m.put("truncated", truncated);
        }
        return json(200, m).header("X-ArcadeDB-Commit-Index", String.valueOf(n.appliedIndex));
    }
}
