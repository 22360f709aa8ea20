package ha.support.standin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A stand-in for {@code com.arcadedb.server.ArcadeDBServer} with Raft HA, for testing the local-process
 * target without ArcadeDB's jars. Launched exactly like ArcadeDB (same -D settings, password in the
 * environment variable {@code arcadedb.server.rootPassword}, data under the root path, log on stdout),
 * it serves the HTTP API the suite uses (reference: arcadedb-ha-api.md, 26.8.1 shapes) and coordinates
 * with the other stand-ins over HTTP on their Raft ports (see {@link RaftNode}).
 *
 * <p>It starts as ArcadeDB 26.8.1 does: databases, then HTTP, then the HA plugin, {@code standin.haStartDelayMs}
 * (default 300; real servers: 3.7 to 7.8 s) later. In that restart window {@code /api/v1/ready} answers 503 "Server
 * not started yet", {@code /api/v1/cluster} 200 with raftState NEW (STARTING in the second half) and no leader, and a
 * write on {@code /api/v1/command} is committed on the local databases only and answered 200. Inserts carry their
 * type's page version: a follower ahead of it (it committed rows in its window) silently skips the leader's rows, one
 * behind it logs "WAL version gap … triggering snapshot resync" and reinstalls the leader's databases
 * (arcadedb-local-processes.md "The restart window"; the simulator's package documentation has the details).
 * A write a follower forwards to a node in its window is refused there with 401 "Invalid cluster token" and the
 * follower answers 500 (read in ArcadeDB's source, AbstractServerHttpHandler: forwarded requests are checked against the
 * HA plugin's token, else the configured arcadedb.ha.clusterToken, which the local target does not set; not yet seen on
 * a server, but it matches what real servers did: 0 of 495 rows lost over 4 leader kills with writes sent to ready
 * nodes and forwarded by followers, where a stand-in that committed forwarded writes in the window lost rows).
 * Deviations: window rows get rids of bucket 9, and they are not kept across a further restart (the stand-in rebuilds
 * its databases from its snapshot and log).
 *
 * <p>Test knobs (settings like any other): {@code standin.failAtStartup=<server names>} makes those
 * nodes exit with an error at startup; {@code standin.electionTimeoutMs}, {@code standin.heartbeatMs},
 * {@code standin.statusGraceMs}, {@code standin.haStartDelayMs} tune the timings; {@code standin.haStartWindow=false}
 * makes a write in the window wait for the HA plugin instead.
 */
public final class StandInServer {
    public static final String VERSION = "26.8.1 (build stand-in)";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final PrintStream OUT = System.out;
    private static final Set<String> OPEN = Set.of("/api/v1/health", "/api/v1/ready");
    private static final String FORWARDED = "X-StandIn-Forwarded";

    private final String name;
    private final RaftNode raft;
    private final String passwordHash;
    private final String salt;
    private final boolean readinessRequiresHA;
    private final long readinessMaxLag;
    private final long forwardWaitMs;
    private final ClusterVerify verify;
    private final long haStartDelayMs = Settings.millis("standin.haStartDelayMs", 300);
    private final boolean localCommitsInWindow = Boolean.parseBoolean(Settings.get("standin.haStartWindow", "true"));
    private final long startedNanos = System.nanoTime();
    /** The HA plugin has started: the end of the restart window. */
    private volatile boolean haStarted;

    private StandInServer(String name, RaftNode raft, String salt, String passwordHash) {
        this.name = name;
        this.raft = raft;
        this.salt = salt;
        this.passwordHash = passwordHash;
        this.readinessRequiresHA = Boolean.parseBoolean(Settings.get("arcadedb.server.readinessRequiresHA", "false"))
                && Boolean.parseBoolean(Settings.get("arcadedb.ha.enabled", "false"));
        this.readinessMaxLag = Settings.millis("arcadedb.server.readinessHAMaxLag", 100);
        this.forwardWaitMs = Math.min(Settings.millis("arcadedb.ha.forwardLeaderWaitTimeoutMs", 20_000), 10_000);
        this.verify = new ClusterVerify(name, raft);
    }

    static synchronized void log(String level, String source, String format, Object... args) {
        OUT.println(LocalDateTime.now().format(TIME) + " " + String.format(Locale.ROOT, "%-7s", level) + " [" + source + "] "
                + (args.length == 0 ? format : String.format(Locale.ROOT, format, args)));
        OUT.flush();
    }

    public static void main(String[] args) {
        try {
            run();
        } catch (Exception e) {
            log("SEVERE", "ArcadeDBServer", "Error on starting the server: %s", e.getMessage() == null ? e.toString() : e.getMessage());
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        String name = Settings.get("arcadedb.server.name", "ArcadeDB_0");
        Path rootPath = Path.of(Settings.require("arcadedb.server.rootPath"));
        Path databases = Path.of(Settings.get("arcadedb.server.databaseDirectory", rootPath.resolve("databases").toString()));
        String host = Settings.get("arcadedb.server.httpIncomingHost", "127.0.0.1");
        int httpPort = Integer.parseInt(Settings.require("arcadedb.server.httpIncomingPort"));
        int httpsPort = Integer.parseInt(Settings.get("arcadedb.server.httpsIncomingPort", "2490"));
        int raftPort = Integer.parseInt(Settings.get("arcadedb.ha.raftPort", "2434"));
        List<Settings.Peer> list = Settings.serverList(Settings.require("arcadedb.ha.serverList"));
        log("INFO", "ArcadeDBServer", "ArcadeDB stand-in %s starting: name=%s, rootPath=%s, databaseDirectory=%s, http=%s:%d, https=%d, "
                + "raft=%d, serverList=%s, mode=%s, root password %s", VERSION, name, rootPath, databases, host, httpPort, httpsPort,
                raftPort, Settings.get("arcadedb.ha.serverList", ""), Settings.get("arcadedb.server.mode", "development"),
                System.getProperty("arcadedb.server.rootPassword") != null ? "given on the command line (-D)"
                        : System.getenv("arcadedb.server.rootPassword") != null ? "given in the environment" : "not given");
        for (String failing : Settings.get("standin.failAtStartup", "").split(",")) {
            if (failing.strip().equals(name)) {
                log("INFO", "ArcadeDBServer", "Loading configuration for %s", name);
                throw new IllegalStateException("stand-in told to fail at startup (standin.failAtStartup=" + failing.strip() + ")");
            }
        }
        Settings.Peer self = list.stream().filter(p -> name.equals(p.name())).findFirst()
                .orElseGet(() -> list.stream().filter(p -> p.raftPort() == raftPort).findFirst()
                        .orElseThrow(() -> new IllegalStateException("server " + name + " finds no entry of its own in the server list")));
        String[] user = rootUser(rootPath);
        RaftNode raft = new RaftNode(name, self, list, databases);
        StandInServer server = new StandInServer(name, raft, user[0], user[1]);
        ServerSocket https = new ServerSocket();
        https.bind(new InetSocketAddress(host, httpsPort));
        raft.load();
        HttpServer api = bind(host, httpPort, "HTTP");
        api.createContext("/", server::apiRoute);
        api.setExecutor(Executors.newCachedThreadPool());
        api.start();
        log("INFO", "HttpServer", "- HTTP Server started (host=%s port=%d httpsPort=%d)", host, httpPort, httpsPort);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("INFO", "ArcadeDBServer", "ArcadeDB Server is shutting down");
            api.stop(0);
        }));
        Thread.sleep(server.haStartDelayMs);   // the restart window: HTTP answers, the HA plugin has not started
        // the Raft listener comes with the plugin, as ArcadeDB's gRPC server does
        HttpServer peers = bind(host, raftPort, "Raft");
        peers.createContext("/raft/", server::peerRoute);
        peers.setExecutor(Executors.newCachedThreadPool());
        raft.start();
        peers.start();
        server.haStarted = true;
        log("INFO", "RaftHAPlugin", "Raft HA plugin started successfully");
        log("INFO", "ArcadeDBServer", "ArcadeDB Server started in '%s' mode (stand-in, pid %d)",
                Settings.get("arcadedb.server.mode", "development"), ProcessHandle.current().pid());
    }

    private static HttpServer bind(String host, int port, String what) throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new IOException("cannot listen for " + what + " on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Like ArcadeDB: the root password is taken from the setting only when no users file exists yet;
     * the file keeps a salted hash. Returns {salt, hash}.
     */
    private static String[] rootUser(Path rootPath) throws IOException {
        Path users = rootPath.resolve("config").resolve("server-users.jsonl");
        if (Files.exists(users)) {
            JsonNode root = Json.read(Files.readAllLines(users).get(0));
            return new String[] {root.path("salt").asText(), root.path("password").asText()};
        }
        String password = Settings.get("arcadedb.server.rootPassword", null);
        if (password == null || password.length() < 8) {
            throw new IllegalStateException("the root password is not set (or shorter than 8 characters): set arcadedb.server.rootPassword");
        }
        byte[] saltBytes = new byte[16];
        new SecureRandom().nextBytes(saltBytes);
        String salt = HexFormat.of().formatHex(saltBytes);
        Files.createDirectories(users.getParent());
        String hash = hash(salt, password);
        Files.writeString(users, Json.write(Json.MAPPER.createObjectNode().put("name", "root").put("salt", salt).put("password", hash)) + "\n");
        log("INFO", "ServerSecurity", "Created the root user in %s", users);
        return new String[] {salt, hash};
    }

    private static String hash(String salt, String password) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest((salt + ":" + password).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- HTTP plumbing

    private record Answer(int status, String body, Map<String, String> headers) {
        Answer(int status, String body) {
            this(status, body, Map.of());
        }

        static Answer json(int status, JsonNode body) {
            return new Answer(status, Json.write(body));
        }

        Answer withHeader(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Answer(status, body, all);
        }
    }

    private void peerRoute(HttpExchange ex) {
        try (ex) {
            JsonNode body = Json.read(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ObjectNode answer = switch (ex.getRequestURI().getPath()) {
                case "/raft/vote" -> raft.onVote(body);
                case "/raft/append" -> raft.onAppend(body);
                case "/raft/timeout-now" -> raft.onTimeoutNow(body);
                case "/raft/read-index" -> raft.onReadIndex(body);
                default -> null;
            };
            send(ex, answer == null ? new Answer(404, "{}") : Answer.json(200, answer));
        } catch (Exception e) {
            log("WARNING", "RaftHAServer", "Raft request %s failed: %s", ex.getRequestURI().getPath(), e);
            try {
                send(ex, new Answer(500, "{}"));
            } catch (IOException ignored) {
                // the peer gave up
            }
        }
    }

    private void apiRoute(HttpExchange ex) {
        try (ex) {
            Answer answer;
            try {
                answer = route(ex);
            } catch (ApiError e) {
                answer = Answer.json(e.status, e.body());
            } catch (RaftNode.NotLeader e) {
                answer = Answer.json(400, new ApiError(400, "Cannot execute command", "com.arcadedb.network.binary.ServerIsNotTheLeaderException",
                        "This server is not the leader").body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer = Answer.json(503, ApiError.plain(503, "Server is shutting down").body());
            } catch (Exception e) {
                log("WARNING", "HttpServer", "%s %s failed: %s", ex.getRequestMethod(), ex.getRequestURI(), e);
                answer = Answer.json(500, new ApiError(500, "Internal error", e.getClass().getName(), String.valueOf(e.getMessage())).body());
            }
            send(ex, answer);
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void send(HttpExchange ex, Answer answer) throws IOException {
        answer.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (answer.status() == 204 || answer.body() == null) {
            ex.sendResponseHeaders(answer.status(), -1);
            return;
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (answer.status() == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic");
        }
        ex.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** null when the Authorization header holds root's password; else the 401 or 403 answer. */
    private Answer authenticate(HttpExchange ex, boolean open) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null) {
            return open ? null : Answer.json(401, ApiError.plain(401, "No authentication was provided").body());
        }
        if (header.startsWith("Basic ")) {
            try {
                String[] parts = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8).split(":", -1);
                if (parts.length == 2 && "root".equals(parts[0]) && hash(salt, parts[1]).equals(passwordHash)) {
                    return null;
                }
            } catch (IllegalArgumentException malformed) {
                // falls through to 403
            }
        }
        return Answer.json(403, new ApiError(403, "Security error", "com.arcadedb.server.security.ServerSecurityException",
                "User/Password not valid").body());
    }

    private Answer route(HttpExchange ex) throws Exception {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Answer denied = authenticate(ex, OPEN.contains(path));
        if (denied != null) {
            return denied;
        }
        if (path.equals("/api/v1/health")) {
            return new Answer(204, null);
        }
        if (path.equals("/api/v1/ready")) {
            String why = !haStarted ? "Server not started yet" : readinessRequiresHA ? raft.haReadiness(readinessMaxLag) : null;
            return why == null ? new Answer(204, null) : new Answer(503, why);
        }
        if (path.equals("/api/v1/cluster")) {
            boolean firstHalf = System.nanoTime() - startedNanos < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(haStartDelayMs) / 2;
            return Answer.json(200, raft.clusterStatus(haStarted ? "RUNNING" : firstHalf ? "NEW" : "STARTING"));
        }
        if (path.equals("/api/v1/cluster/leader")) {
            return transfer(ex, body);
        }
        if (path.equals("/api/v1/cluster/stepdown")) {
            if (!raft.isLeader()) {
                return Answer.json(200, Json.MAPPER.createObjectNode().put("result", "Leadership step-down initiated"));
            }
            raft.transfer("", 10_000);
            return Answer.json(200, Json.MAPPER.createObjectNode().put("result", "Leadership step-down initiated"));
        }
        if (path.startsWith("/api/v1/cluster/verify/")) {
            // like every HA route of 26.8.1, whatever the method
            return Answer.json(200, verify.verify(path.substring("/api/v1/cluster/verify/".length()),
                    ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst(ClusterVerify.PEER_REQUEST) != null));
        }
        if (path.equals("/api/v1/cluster/peer")) {
            return addPeer(ex, body);
        }
        if (path.startsWith("/api/v1/cluster/peer/")) {
            return removePeer(ex, path.substring("/api/v1/cluster/peer/".length()), body);
        }
        if (path.equals("/api/v1/server")) {
            return "GET".equals(method) ? Answer.json(200, serverInfo()) : serverCommand(ex, body);
        }
        if (path.startsWith("/api/v1/exists/")) {
            return Answer.json(200, Json.MAPPER.createObjectNode().put("result", raft.databaseExists(path.substring("/api/v1/exists/".length()))));
        }
        if (path.equals("/api/v1/databases")) {
            ObjectNode out = Json.MAPPER.createObjectNode().put("version", VERSION).put("user", "root");
            ArrayNode result = out.putArray("result");
            raft.databases().forEach(result::add);
            return Answer.json(200, out);
        }
        if (path.startsWith("/api/v1/command/") && "POST".equals(method)) {
            return withCommitIndex(command(ex, path.substring("/api/v1/command/".length()), body, false));
        }
        if (path.startsWith("/api/v1/query/") && "POST".equals(method)) {
            return withCommitIndex(command(ex, path.substring("/api/v1/query/".length()), body, true));
        }
        return Answer.json(404, ApiError.plain(404, "Not found: " + method + " " + path).body());
    }

    /**
     * Query and command answers carry the answering node's last applied Raft index (reference §6.5; seen on 26.8.1 on
     * both routes, and on a write a follower forwarded to the leader).
     */
    private Answer withCommitIndex(Answer answer) {
        return answer.status() / 100 == 2 ? answer.withHeader("X-ArcadeDB-Commit-Index", String.valueOf(raft.appliedIndex())) : answer;
    }

    private ObjectNode serverInfo() {
        ObjectNode out = Json.MAPPER.createObjectNode().put("user", "root").put("version", VERSION).put("serverName", name);
        out.putArray("languages").add("sql");
        return out;
    }

    private Answer command(HttpExchange ex, String database, String text, boolean query) throws Exception {
        JsonNode body = Json.read(text);
        if (body == null || body.isNull() || !body.hasNonNull("command")) {
            throw ApiError.plain(400, "Command text is null");
        }
        String language = body.path("language").asText("");
        if (language.isEmpty()) {
            throw ApiError.plain(400, "Language is null");
        }
        if (!language.equalsIgnoreCase("sql") && !language.equalsIgnoreCase("sqlscript")) {
            throw new ApiError(400, "Cannot execute command", "java.lang.IllegalArgumentException",
                    "The stand-in server only runs SQL, not " + language);
        }
        String db = URLDecoder.decode(database, StandardCharsets.UTF_8);
        StateMachine.Statement statement = raft.parse(db, body.path("command").asText(), body.path("params"));
        if (!statement.write() && awaitReadConsistency(ex)) {
            statement = raft.parse(db, body.path("command").asText(), body.path("params"));
        }
        if (statement.write() && query) {
            throw new ApiError(400, "Query is not idempotent", "com.arcadedb.exception.QueryNotIdempotentException",
                    "Query '" + body.path("command").asText() + "' is not idempotent");
        }
        if (statement.write() && !haStarted && ex.getRequestHeaders().getFirst(FORWARDED) != null) {
            // a follower forwards with the cluster token, which a node checks against its HA plugin's token; before the
            // plugin has started it has only the configured one, and neither the chart nor --target local configure it
            throw ApiError.plain(401, "Invalid cluster token");
        }
        ArrayNode rows;
        if (statement.write() && !haStarted && !localCommitsInWindow) {
            awaitHaStarted();
        }
        if (!statement.write()) {
            rows = statement.rows();
        } else if (!haStarted) {
            rows = raft.commitLocally(statement.entry());
        } else if (raft.isLeader()) {
            rows = raft.submit(statement.entry(), ex.getRequestHeaders().getFirst("X-Request-Id"));
        } else {
            return forward(ex, text);
        }
        ObjectNode out = Json.MAPPER.createObjectNode().put("user", "root");
        out.set("result", rows);
        out.put("limit", -1).put("returned", rows.size()).put("truncated", false);
        return Answer.json(200, out);
    }

    private void awaitHaStarted() throws InterruptedException {
        while (!haStarted) {
            Thread.sleep(10);   // the window ends once, a few hundred ms after the start: no condition to signal
        }
    }

    /**
     * A read on a follower waits when the client asks (reference §6.5): for the bookmark
     * {@code X-ArcadeDB-Read-After} (or its legacy alias {@code X-ArcadeDB-Commit-Index}) to be applied here, and with
     * {@code X-ArcadeDB-Read-Consistency: linearizable} for the leader's commit index. True when it waited.
     */
    private boolean awaitReadConsistency(HttpExchange ex) throws Exception {
        if (raft.isLeader()) {
            return false;
        }
        long waitFor = -1;
        String after = ex.getRequestHeaders().getFirst("X-ArcadeDB-Read-After");
        if (after == null) {
            after = ex.getRequestHeaders().getFirst("X-ArcadeDB-Commit-Index");
        }
        if (after != null) {
            try {
                waitFor = Long.parseLong(after.trim());
            } catch (NumberFormatException ignored) {
                // not a bookmark: read as eventual
            }
        }
        if ("linearizable".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-ArcadeDB-Read-Consistency"))) {
            Long leaderCommit = raft.readIndex();
            if (leaderCommit == null) {
                throw new ApiError(503, "Cannot execute command", "com.arcadedb.exception.NeedRetryException",
                        "No leader answered the read index request");
            }
            waitFor = Math.max(waitFor, leaderCommit);
        }
        if (waitFor < 0) {
            return false;
        }
        if (!raft.awaitApplied(waitFor, forwardWaitMs)) {
            throw new ApiError(503, "Cannot execute command", "com.arcadedb.exception.NeedRetryException",
                    "Index " + waitFor + " not applied within " + forwardWaitMs + " ms");
        }
        return true;
    }

    private Answer serverCommand(HttpExchange ex, String text) throws Exception {
        JsonNode body = Json.read(text);
        String command = body == null ? null : body.path("command").asText(null);
        if (command == null) {
            throw ApiError.plain(400, "Server command is null");
        }
        String[] words = command.strip().split("\\s+");
        String verb = (words[0] + (words.length > 1 ? " " + words[1] : "")).toLowerCase(Locale.ROOT);
        if (verb.equals("list databases")) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            ArrayNode result = out.putArray("result");
            raft.databases().forEach(result::add);
            return Answer.json(200, out);
        }
        if (!verb.equals("create database") && !verb.equals("drop database") || words.length != 3) {
            throw ApiError.plain(400, "Server command not valid");
        }
        String db = words[2];
        if (!db.matches("[A-Za-z0-9][A-Za-z0-9_\\-.]*")) {
            throw new ApiError(400, "Cannot execute command", "java.lang.IllegalArgumentException", "Invalid database name '" + db + "'");
        }
        if (!raft.isLeader()) {
            return forward(ex, text);
        }
        boolean create = verb.startsWith("create");
        if (create == raft.databaseExists(db)) {
            throw new ApiError(400, "Cannot execute command", "java.lang.IllegalArgumentException",
                    "Database '" + db + "' " + (create ? "already exists" : "does not exist"));
        }
        raft.submit(Json.MAPPER.createObjectNode().put("op", create ? "createDatabase" : "dropDatabase").put("db", db), null);
        return Answer.json(200, Json.MAPPER.createObjectNode().put("result", "ok"));
    }

    private Answer transfer(HttpExchange ex, String text) throws Exception {
        JsonNode body = Json.read(text);
        if (body == null || !body.isObject()) {
            throw ApiError.plain(400, "Missing request body. Expected {\"peerId\": \"<id>\", \"timeoutMs\": <ms>} or {}");
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("peerId") && !field.equals("timeoutMs")) {
                throw ApiError.plain(400, "Unknown field '" + field + "'. Expected {\"peerId\": …, \"timeoutMs\": …} or {}");
            }
        }
        if (!raft.isLeader()) {
            return forward(ex, text);
        }
        String target = body.path("peerId").asText("");
        String leader = raft.transfer(target, body.path("timeoutMs").asLong(30_000));
        ObjectNode out = Json.MAPPER.createObjectNode().put("result", target.isEmpty() ? "Leadership transferred" : "Leadership transferred to " + leader);
        out.put("leaderId", leader);
        return Answer.json(200, out);
    }

    private Answer addPeer(HttpExchange ex, String text) throws Exception {
        JsonNode body = Json.read(text);
        String id = body == null ? "" : body.path("peerId").asText("");
        String address = body == null ? "" : body.path("address").asText("");
        if (id.isBlank() || address.isBlank()) {
            throw ApiError.plain(400, "Missing required fields: peerId, address");
        }
        if (!raft.isLeader()) {
            return forward(ex, text);
        }
        raft.addPeer(id, address);
        return Answer.json(200, Json.MAPPER.createObjectNode().put("result", "Peer " + id + " added"));
    }

    private Answer removePeer(HttpExchange ex, String id, String text) throws Exception {
        if (id.isBlank()) {
            throw ApiError.plain(400, "Missing peerId in path");
        }
        if (!raft.isLeader()) {
            return forward(ex, text);
        }
        String query = ex.getRequestURI().getQuery();
        raft.removePeer(URLDecoder.decode(id, StandardCharsets.UTF_8), query != null && query.contains("force=true"));
        return Answer.json(200, Json.MAPPER.createObjectNode().put("result", "Peer " + id + " removed"));
    }

    /** Sends the request on to the leader's HTTP API (once: a forwarded request is never forwarded again). */
    private Answer forward(HttpExchange ex, String body) throws Exception {
        if (ex.getRequestHeaders().getFirst(FORWARDED) != null) {
            throw new ApiError(400, "Cannot execute command", "com.arcadedb.network.binary.ServerIsNotTheLeaderException",
                    "Forwarded request reached a server that is not the leader");
        }
        String leader = raft.awaitLeaderHttp(forwardWaitMs);
        if (leader == null) {
            throw new ApiError(500, "Error on transaction commit", "com.arcadedb.exception.TransactionException",
                    "No leader known after " + forwardWaitMs + " ms");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(FORWARDED, name);
        for (String header : List.of("Authorization", "X-Request-Id", "Content-Type")) {
            String value = ex.getRequestHeaders().getFirst(header);
            if (value != null) {
                headers.put(header, value);
            }
        }
        try {
            Http.Reply reply = Http.send(ex.getRequestMethod(), "http://" + leader + ex.getRequestURI(), body, headers, 500, 60_000);
            if (reply.status() == 401) {
                throw new ApiError(500, "Error on transaction commit", "com.arcadedb.exception.TransactionException",
                        "The leader " + leader + " refused the forwarded request: " + reply.body());
            }
            return new Answer(reply.status(), reply.status() == 204 ? null : reply.body());
        } catch (IOException e) {
            throw new ApiError(503, "Cannot execute command", "com.arcadedb.exception.NeedRetryException",
                    "Cannot reach the leader at " + leader + ": " + e.getMessage());
        }
    }
}
