package ha.client;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Endpoint;
import ha.core.Json;
import ha.core.Redactor;
import ha.core.ServerVersion;
import ha.core.SuiteException;
import ha.core.Wait;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ArcadeDB node's HTTP API on {@code java.net.http}. One keep-alive HTTP/1.1 client per node, so
 * a run of polls travels over one connection (and, on Kubernetes, one port-forward stream).
 * Every error becomes an {@link ArcadeHttpException} with the status and ArcadeDB's error text;
 * connection problems become {@link IOException}-caused {@link NodeUnreachableException}s.
 * The password is only ever put into the Authorization header, never into a message.
 */
public final class ArcadeClient {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    /** Response header with the answering node's last applied Raft index (reference §6.5). */
    public static final String COMMIT_INDEX = "X-ArcadeDB-Commit-Index";
    /** Adding a peer may take up to 90 s on the server (reference §4.1). */
    public static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(120);

    private final Endpoint endpoint;
    private final String authorization;
    private final HttpClient http;

    public ArcadeClient(Endpoint endpoint, String user, String password) {
        this.endpoint = endpoint;
        this.authorization = password == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (password != null) {
            Redactor.register(password);
        }
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private ArcadeClient(Endpoint endpoint, HttpClient http) {
        this.endpoint = endpoint;
        this.authorization = null;
        this.http = http;
    }

    /** The same node without credentials (for the open health and readiness routes). */
    public ArcadeClient anonymous() {
        return new ArcadeClient(endpoint, http);
    }

    public String nodeName() {
        return endpoint.name();
    }

    /** GET /api/v1/health; returns the status code (204 when alive). Inside a wait, bounded by its request share. */
    public int health() {
        return send("GET", "/api/v1/health", null, Wait.requestTimeout(DEFAULT_TIMEOUT), null, Map.of()).statusCode();
    }

    /** GET /api/v1/ready; returns the status code (204 when ready). Inside a wait, bounded by its request share. */
    public int ready() {
        return ready(Wait.requestTimeout(DEFAULT_TIMEOUT));
    }

    /** GET /api/v1/ready with its own timeout (a readiness probe's); returns the status code. */
    public int ready(Duration timeout) {
        return send("GET", "/api/v1/ready", null, timeout, null, Map.of()).statusCode();
    }

    /** GET of any path, answered body as text (diagnostics keep ArcadeDB's own JSON). */
    public String getText(String path) {
        return ok("GET", path, null, DEFAULT_TIMEOUT);
    }

    /** GET /api/v1/cluster. Inside a wait, bounded by its request share ({@link Wait#requestTimeout}). */
    public ClusterStatus cluster() {
        return Json.read(ok("GET", "/api/v1/cluster", null, Wait.requestTimeout(DEFAULT_TIMEOUT)), ClusterStatus.class);
    }

    /** The raw version string of GET /api/v1/server?mode=basic. */
    public ServerVersion serverVersion() {
        return ServerVersion.parse(Json.read(ok("GET", "/api/v1/server?mode=basic", null, Wait.requestTimeout(DEFAULT_TIMEOUT))).path("version").asText());
    }

    /** POST /api/v1/server {"command": …}, e.g. "create database x". */
    public JsonNode serverCommand(String command) {
        return Json.read(ok("POST", "/api/v1/server", Json.write(Map.of("command", command)), DEFAULT_TIMEOUT));
    }

    public boolean databaseExists(String database) {
        return Json.read(ok("GET", "/api/v1/exists/" + database, null, DEFAULT_TIMEOUT)).path("result").asBoolean();
    }

    /** POST /api/v1/command/{db} with SQL; returns the result rows. */
    public List<JsonNode> command(String database, String sql, Map<String, Object> params) {
        return rows(ok("POST", "/api/v1/command/" + database, sqlBody(sql, params), DEFAULT_TIMEOUT));
    }

    /**
     * As {@link #command(String, String, Map)} with an {@code X-Request-Id}: ArcadeDB answers a retry with
     * the same id from its idempotency cache instead of executing it twice (reference §1.5).
     */
    public List<JsonNode> commandOnce(String database, String sql, Map<String, Object> params, String requestId) {
        return rows(ok("POST", "/api/v1/command/" + database, sqlBody(sql, params), DEFAULT_TIMEOUT, requestId));
    }

    /**
     * As {@link #commandOnce} and returns the answering node's {@code X-ArcadeDB-Commit-Index} (reference §6.5), the
     * bookmark a follower read can wait for; null when the server sends none.
     */
    public Long commandOnceWithIndex(String database, String sql, Map<String, Object> params, String requestId) {
        HttpResponse<String> response = okResponse("POST", "/api/v1/command/" + database, sqlBody(sql, params), DEFAULT_TIMEOUT,
                requestId, Map.of());
        return response.headers().firstValue(COMMIT_INDEX).map(ArcadeClient::parseIndex).orElse(null);
    }

    /** POST /api/v1/query/{db} with SQL (read-only); returns the result rows. */
    public List<JsonNode> query(String database, String sql, Map<String, Object> params) {
        return rows(ok("POST", "/api/v1/query/" + database, sqlBody(sql, params), DEFAULT_TIMEOUT));
    }

    /** Result rows with the answering node's {@code X-ArcadeDB-Commit-Index} (its last applied Raft index; null if absent). */
    public record Answer(List<JsonNode> rows, Long appliedIndex) {
    }

    /** As {@link #query(String, String, Map)}, with the answering node's applied index. */
    public Answer queryWithIndex(String database, String sql, Map<String, Object> params) {
        HttpResponse<String> response = okResponse("POST", "/api/v1/query/" + database, sqlBody(sql, params), DEFAULT_TIMEOUT,
                null, Map.of());
        return new Answer(rows(response.body()), response.headers().firstValue(COMMIT_INDEX).map(ArcadeClient::parseIndex).orElse(null));
    }

    /**
     * A read with an explicit consistency ({@code eventual}, {@code read_your_writes}, {@code linearizable}) and,
     * when {@code readAfter} is not null, the bookmark {@code X-ArcadeDB-Read-After} (reference §6.5).
     */
    public List<JsonNode> query(String database, String sql, Map<String, Object> params, String consistency, Long readAfter) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-ArcadeDB-Read-Consistency", consistency);
        if (readAfter != null) {
            headers.put("X-ArcadeDB-Read-After", String.valueOf(readAfter));
        }
        return rows(okResponse("POST", "/api/v1/query/" + database, sqlBody(sql, params), DEFAULT_TIMEOUT, null, headers).body());
    }

    /**
     * POST /api/v1/cluster/verify/{db} (reference §4.4): on the leader, its file checksums compared with every peer's.
     * The peers' reads may take long, so the client waits longer than usual.
     */
    public VerifyResult verify(String database) {
        return VerifyResult.of(Json.read(ok("POST", "/api/v1/cluster/verify/" + database, "{}", Duration.ofSeconds(90))));
    }

    /** POST /api/v1/cluster/leader {"peerId", "timeoutMs"}: synchronous, so the client waits longer. */
    public JsonNode transferLeadership(String peerId, Duration transferTimeout) {
        String body = Json.write(Map.of("peerId", peerId, "timeoutMs", transferTimeout.toMillis()));
        return Json.read(ok("POST", "/api/v1/cluster/leader", body, transferTimeout.plusSeconds(10)));
    }

    /** POST /api/v1/cluster/peer {"peerId", "address"} (address is the Raft host:port). */
    public JsonNode addPeer(String peerId, String raftAddress) {
        String body = Json.write(Map.of("peerId", peerId, "address", raftAddress));
        return Json.read(ok("POST", "/api/v1/cluster/peer", body, MEMBERSHIP_TIMEOUT));
    }

    /** DELETE /api/v1/cluster/peer/{id}. */
    public JsonNode removePeer(String peerId) {
        return Json.read(ok("DELETE", "/api/v1/cluster/peer/" + peerId, null, MEMBERSHIP_TIMEOUT));
    }

    private static String sqlBody(String sql, Map<String, Object> params) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("language", "sql");
        body.put("command", sql);
        if (params != null && !params.isEmpty()) {
            body.put("params", params);
        }
        return Json.write(body);
    }

    private static List<JsonNode> rows(String body) {
        List<JsonNode> out = new ArrayList<>();
        Json.read(body).path("result").forEach(out::add);
        return out;
    }

    private String ok(String method, String path, String body, Duration timeout) {
        return ok(method, path, body, timeout, null);
    }

    private String ok(String method, String path, String body, Duration timeout, String requestId) {
        return okResponse(method, path, body, timeout, requestId, Map.of()).body();
    }

    private static Long parseIndex(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private HttpResponse<String> okResponse(String method, String path, String body, Duration timeout, String requestId,
                                            Map<String, String> headers) {
        HttpResponse<String> response = send(method, path, body, timeout, requestId, headers);
        int status = response.statusCode();
        if (status / 100 != 2) {
            ArcadeHttpException e = error(method, path, response);
            if (status == 403 && "Security error".equals(e.error()) && authorization != null) {
                throw new CredentialsRejectedException(endpoint.name() + " rejected the root password (403 Security error)"
                        + "; the password the suite uses (the release's Secret on Kubernetes, HA_ROOT_PASSWORD for local servers)"
                        + " is not the server's, or root is locked out after failed attempts");
            }
            throw e;
        }
        return response;
    }

    private ArcadeHttpException error(String method, String path, HttpResponse<String> response) {
        String error = null;
        String exception = null;
        try {
            JsonNode node = Json.read(response.body());
            error = node.path("error").asText(null);
            exception = node.path("exception").asText(null);
        } catch (IllegalArgumentException notJson) {
            error = Json.abbreviate(response.body());
        }
        return new ArcadeHttpException(endpoint.name() + ": " + method + " " + path, response.statusCode(), error, exception);
    }

    private HttpResponse<String> send(String method, String path, String body, Duration timeout, String requestId,
                                      Map<String, String> headers) {
        URI uri = endpoint.baseUri().resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            endpoint.connectionFailed(e);
            throw new NodeUnreachableException(endpoint.name() + ": " + method + " " + path + " failed: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SuiteException("interrupted during " + method + " " + path);
        }
    }

    /** ArcadeDB refused our credentials. Not worth retrying: 5 failures in 30 s lock the user out. */
    public static final class CredentialsRejectedException extends SuiteException {
        public CredentialsRejectedException(String message) {
            super(Redactor.redact(message));
        }
    }

    /** The node could not be reached (connection refused, reset, timed out). */
    public static final class NodeUnreachableException extends RuntimeException {
        public NodeUnreachableException(String message, Throwable cause) {
            super(Redactor.redact(message), cause);
        }
    }
}
