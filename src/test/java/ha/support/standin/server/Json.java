package ha.support.standin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The stand-in's JSON (Jackson, from the installation's lib/ like every other jar it needs). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text == null || text.isBlank() ? "null" : text);
        } catch (Exception e) {
            throw new ApiError(400, "Invalid JSON payload", "com.arcadedb.serializer.json.JSONException", e.getMessage());
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
