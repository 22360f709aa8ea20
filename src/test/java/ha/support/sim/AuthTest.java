package ha.support.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthTest {

    @Test
    void protectedRoutesAnswer401WithoutAndB403WithWrongCredentials() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).build()) {
            SimClient c = new SimClient(sim);
            c.awaitAgreedLeader(Duration.ofSeconds(3));

            SimClient.Res none = c.send(0, "GET", "/api/v1/cluster", null, null, null);
            assertEquals(401, none.status());
            assertTrue(none.header("WWW-Authenticate").startsWith("Basic"), none.headers().map().toString());
            assertTrue(none.json().has("error"));

            SimClient.Res wrong = c.send(0, "GET", "/api/v1/cluster", null, SimClient.basic("root", "not-the-password"),
                    Map.of("X-Request-Id", "req-42"));
            assertEquals(403, wrong.status());
            JsonNode w = wrong.json();
            assertEquals("Security error", w.get("error").asText());
            assertEquals("com.arcadedb.server.security.ServerSecurityException", w.get("exception").asText());
            assertEquals("req-42", w.get("requestId").asText());
            assertEquals("req-42", wrong.header("X-Request-Id"));
            assertFalse(w.has("detail"), "production mode hides detail");

            assertEquals(403, c.send(0, "GET", "/api/v1/cluster", null, "Basic !!!notbase64", null).status());
            assertEquals(403, c.send(0, "GET", "/api/v1/cluster", null, SimClient.basic("root:x", "y"), null).status());
            assertEquals(403, c.send(0, "GET", "/api/v1/cluster", null, "Bearer AU-123", null).status());
            assertEquals(401, c.send(0, "POST", "/api/v1/command/x", "{}", null, null).status());

            assertEquals(204, c.send(1, "GET", "/api/v1/health", null, null, null).status());
            assertEquals(204, c.send(1, "GET", "/api/v1/ready", null, null, null).status());
            assertEquals(204, c.send(1, "GET", "/api/v1/health", null, c.auth, null).status());
            assertEquals(403, c.send(1, "GET", "/api/v1/health", null, SimClient.basic("root", "bad"), null).status());
            assertEquals(403, c.send(1, "GET", "/api/v1/ready", null, SimClient.basic("root", "bad"), null).status());

            assertEquals(200, c.get(0, "/api/v1/cluster").status());
        }
    }

    @Test
    void fiveFailuresLockTheUserOnThatNode() {
        try (ClusterSimulator sim = ClusterSimulator.builder().timings(Timings.fast()).password("another-password-123").build()) {
            SimClient c = new SimClient(sim);
            c.awaitAgreedLeader(Duration.ofSeconds(3));
            for (int i = 0; i < 5; i++) {
                assertEquals(403, c.send(2, "GET", "/api/v1/cluster", null, SimClient.basic("root", "guess" + i), null).status());
            }
            assertEquals(403, c.get(2, "/api/v1/cluster").status(), "locked even with the right password");
            assertEquals(200, c.get(1, "/api/v1/cluster").status(), "other nodes are not locked");
            for (int i = 0; i < 3; i++) {
                for (String line : sim.log(i)) {
                    assertFalse(line.contains("another-password-123"), "password in log: " + line);
                }
            }
        }
    }
}
