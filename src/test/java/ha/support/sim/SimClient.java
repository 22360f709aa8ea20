package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/** Test helper: talks to simulator nodes over loopback HTTP/1.1 with java.net.http. */
final class SimClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    final ClusterSimulator sim;
    final String auth;

    SimClient(ClusterSimulator sim) {
        this.sim = sim;
        this.auth = basic("root", sim.rootPassword());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    record Res(int status, String body, HttpHeaders headers, long millis) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** Sends a request; {@code authorization} null = no header. Throws UncheckedIOException on connection errors. */
    Res send(int node, String method, String path, String body, String authorization, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.httpPort(node) + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (headers != null) {
            headers.forEach(b::header);
        }
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Res(r.statusCode(), r.body(), r.headers(), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Res get(int node, String path) {
        return send(node, "GET", path, null, auth, null);
    }

    Res post(int node, String path, String body) {
        return send(node, "POST", path, body, auth, null);
    }

    Res delete(int node, String path) {
        return send(node, "DELETE", path, null, auth, null);
    }

    JsonNode cluster(int node) {
        Res r = get(node, "/api/v1/cluster");
        if (r.status() != 200) {
            throw new IllegalStateException("cluster on node " + node + ": " + r);
        }
        return r.json();
    }

    static String sqlBody(String command, Map<String, Object> params) {
        ObjectNode o = JSON.createObjectNode();
        o.put("language", "sql");
        o.put("command", command);
        if (params != null) {
            o.set("params", JSON.valueToTree(params));
        }
        return o.toString();
    }

    Res command(int node, String db, String sql) {
        return post(node, "/api/v1/command/" + db, sqlBody(sql, null));
    }

    Res command(int node, String db, String sql, Map<String, Object> params) {
        return post(node, "/api/v1/command/" + db, sqlBody(sql, params));
    }

    Res query(int node, String db, String sql) {
        return post(node, "/api/v1/query/" + db, sqlBody(sql, null));
    }

    Res server(int node, String command) {
        return post(node, "/api/v1/server", JSON.createObjectNode().put("command", command).toString());
    }

    /** Retries a write while it answers 503 (a fresh leader is not ready yet), like a careful client. */
    Res write(int node, String db, String sql) {
        try {
            return ha.core.Wait.until("'" + sql + "' on node " + node + " answered other than 503", Duration.ofMillis(20), Duration.ofSeconds(5),
                    () -> db == null ? server(node, sql) : command(node, db, sql), r -> r.status() != 503);
        } catch (ha.core.Wait.WaitTimeoutException stillUnavailable) {
            return db == null ? server(node, sql) : command(node, db, sql);
        }
    }

    /** Polls until every running node names the same running leader; returns its ordinal. */
    int awaitAgreedLeader(Duration timeout) {
        int[] found = {-1};
        await(timeout, "all running nodes agree on a leader", () -> {
            String id = null;
            for (int i = 0; i < sim.size(); i++) {
                if (!sim.isRunning(i)) {
                    continue;
                }
                JsonNode c = cluster(i);
                String l = c.get("leaderId").isNull() ? null : c.get("leaderId").asText();
                if (l == null || (id != null && !id.equals(l))) {
                    return false;
                }
                id = l;
            }
            for (int i = 0; i < sim.size(); i++) {
                if (Objects.equals(sim.peerId(i), id) && sim.isRunning(i)) {
                    found[0] = i;
                }
            }
            return found[0] >= 0;
        });
        return found[0];
    }

    /** Leader elected, agreed everywhere, and (26.8.1+) ready for writes. */
    int awaitWritableLeader() {
        int leader = awaitAgreedLeader(Duration.ofSeconds(5));
        if (!sim.version().startsWith("26.7")) {
            await(Duration.ofSeconds(3), "leaderReady", () -> cluster(leader).path("leaderReady").asBoolean());
        }
        return leader;
    }

    JsonNode peerEntry(JsonNode cluster, String peerId) {
        for (JsonNode p : cluster.get("peers")) {
            if (p.get("id").asText().equals(peerId)) {
                return p;
            }
        }
        return null;
    }

    String statusOf(int leader, int follower) {
        JsonNode e = peerEntry(cluster(leader), sim.peerId(follower));
        return e == null || !e.has("replicaStatus") ? null : e.get("replicaStatus").asText();
    }

    /** Polls through the suite's one wait primitive; an assertion failing inside counts as "not yet". */
    static void await(Duration timeout, String what, BooleanSupplier condition) {
        ha.core.Wait.until(what, Duration.ofMillis(10), timeout, () -> {
            try {
                return condition.getAsBoolean();
            } catch (AssertionError e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, ok -> ok);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
