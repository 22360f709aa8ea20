package ha.support.standin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in's databases: types holding documents, built by applying committed log entries in order,
 * plus the small SQL subset the suite sends. Not thread-safe: {@link RaftNode} calls it under its lock.
 */
final class StateMachine {
    private static final Pattern CREATE_TYPE = Pattern.compile(
            "(?is)CREATE\\s+(?:DOCUMENT|VERTEX|EDGE)\\s+TYPE\\s+`?(\\w+)`?(\\s+IF\\s+NOT\\s+EXISTS)?\\s*;?");
    private static final Pattern DROP_TYPE = Pattern.compile("(?is)DROP\\s+TYPE\\s+`?(\\w+)`?(\\s+IF\\s+EXISTS)?\\s*;?");
    private static final Pattern INSERT_SET = Pattern.compile("(?is)INSERT\\s+INTO\\s+`?(\\w+)`?\\s+SET\\s+(.+?)\\s*;?");
    private static final Pattern INSERT_CONTENT = Pattern.compile("(?is)INSERT\\s+INTO\\s+`?(\\w+)`?\\s+CONTENT\\s+(\\{.*\\})\\s*;?");
    private static final Pattern SELECT = Pattern.compile(
            "(?is)SELECT\\s+(.*?)\\s*FROM\\s+`?(\\w+)`?(?:\\s+WHERE\\s+(.+?))?(?:\\s+LIMIT\\s+(\\d+))?\\s*;?");
    private static final Pattern DELETE = Pattern.compile("(?is)DELETE\\s+FROM\\s+`?(\\w+)`?(?:\\s+WHERE\\s+(.+?))?\\s*;?");
    private static final Pattern COUNT = Pattern.compile("(?i)count\\(\\s*\\*\\s*\\)(?:\\s+AS\\s+(\\w+))?");
    private static final Pattern FIELD = Pattern.compile("(?i)`?([@\\w]+)`?(?:\\s+AS\\s+(\\w+))?");
    private static final Pattern CONDITION = Pattern.compile("(?is)`?(\\w+)`?\\s*=\\s*(.+)");

    /** The key of a database's page versions in a {@link #dump()} (no type name starts with "@"). */
    private static final String VERSIONS = "@pageVersions";

    /** database -> type -> rid -> document. */
    private final Map<String, Map<String, Map<String, ObjectNode>>> databases = new TreeMap<>();
    /**
     * "database/type" -> the version of the type's page: one more with every insert, replicated or committed locally in
     * the restart window. A replicated insert carries the version it expects ("pv", ArcadeDB's WAL page version).
     */
    private final Map<String, Long> pageVersions = new java.util.HashMap<>();
    private long localRows;

    void reset() {
        databases.clear();
        pageVersions.clear();
    }

    /** Every database as {db: {type: [rows in insertion order], "@pageVersions": {type: version}}}: what a snapshot holds. */
    ObjectNode dump() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        databases.forEach((db, types) -> {
            ObjectNode t = out.putObject(db);
            ObjectNode versions = Json.MAPPER.createObjectNode();
            types.forEach((type, rows) -> {
                ArrayNode list = t.putArray(type);
                rows.values().forEach(list::add);
                versions.put(type, pageVersion(db, type));
            });
            t.set(VERSIONS, versions);
        });
        return out;
    }

    /** Replaces every database with a {@link #dump()}. */
    void load(JsonNode dump) {
        databases.clear();
        pageVersions.clear();
        dump.fields().forEachRemaining(db -> {
            Map<String, Map<String, ObjectNode>> types = new LinkedHashMap<>();
            db.getValue().fields().forEachRemaining(type -> {
                if (type.getKey().equals(VERSIONS)) {
                    type.getValue().fields().forEachRemaining(v -> pageVersions.put(db.getKey() + "/" + v.getKey(), v.getValue().asLong()));
                    return;
                }
                Map<String, ObjectNode> rows = new LinkedHashMap<>();
                type.getValue().forEach(row -> rows.put(row.path("@rid").asText(), (ObjectNode) row.deepCopy()));
                types.put(type.getKey(), rows);
            });
            databases.put(db.getKey(), types);
        });
    }

    long pageVersion(String database, String type) {
        return pageVersions.getOrDefault(database + "/" + type, 0L);
    }

    /**
     * For a replicated insert whose type's page is behind the version it expects (the leader committed rows this node
     * never saw: in its own restart window): ArcadeDB's "WAL version gap" message; null when the entry applies (or is
     * taken as already applied, its version being behind the page's).
     */
    String pageGap(JsonNode entry) {
        if (!"insert".equals(entry.path("op").asText()) || !entry.has("pv")) {
            return null;
        }
        String db = entry.path("db").asText();
        String type = entry.path("type").asText();
        Map<String, Map<String, ObjectNode>> types = databases.get(db);
        if (types == null || !types.containsKey(type)) {
            return null;
        }
        long expected = entry.path("pv").asLong();
        long existent = pageVersion(db, type);
        return expected > existent ? "Cannot apply changes to the database because modified page PageId(" + db + "/1/0) version in WAL ("
                + expected + ") does not match with existent version (" + existent + ") fileId=1" : null;
    }

    /**
     * A write in the restart window, before the HA plugin wraps the database: applied here only, never logged or
     * replicated. Its rows get rids of bucket 9, apart from the replicated ones (#1:&lt;log index - 1&gt;).
     */
    ArrayNode applyLocal(ObjectNode entry) {
        if (!"insert".equals(entry.path("op").asText())) {
            return apply(entry);
        }
        ObjectNode local = entry.deepCopy();
        local.remove("pv");
        local.put("rid", "#9:" + localRows++);
        return apply(local);
    }

    /** One file of a database as the verify endpoint lists it (reference §4.4). */
    record DataFile(String name, long checksum, long size, String type) {
    }

    /**
     * The files of {@code database} as ArcadeDB 26.8.1 lists them for a database with one document type: the
     * dictionary ({@code dictionary.0.65536.v1.dict}, type "data"; here the CRC-32 of the sorted type and property
     * names) and one bucket per type ({@code <Type>_0.<id>.65536.v0.bucket}, type "bucket"; here the CRC-32 of the
     * type's rows sorted by @rid). Sizes are whole 64 KiB pages. Null when the database does not exist.
     */
    List<DataFile> files(String database) {
        Map<String, Map<String, ObjectNode>> types = databases.get(database);
        if (types == null) {
            return null;
        }
        List<DataFile> out = new ArrayList<>();
        java.util.TreeSet<String> names = new java.util.TreeSet<>(types.keySet());
        types.values().forEach(rows -> rows.values().forEach(r -> r.fieldNames().forEachRemaining(names::add)));
        java.util.zip.CRC32 dictionary = new java.util.zip.CRC32();
        names.forEach(n -> dictionary.update((n + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        out.add(new DataFile("dictionary.0.65536.v1.dict", dictionary.getValue(), pages(0), "data"));
        int id = 1;
        for (Map.Entry<String, Map<String, ObjectNode>> type : types.entrySet()) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            long bytes = 0;
            for (ObjectNode row : new TreeMap<>(type.getValue()).values()) {
                byte[] b = (Json.write(row) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                crc.update(b);
                bytes += b.length;
            }
            out.add(new DataFile(type.getKey() + "_0." + id++ + ".65536.v0.bucket", crc.getValue(), pages(bytes), "bucket"));
        }
        return out;
    }

    private static long pages(long bytes) {
        return Math.max(1, (bytes + 65535) / 65536) * 65536;
    }

    boolean exists(String database) {
        return databases.containsKey(database);
    }

    List<String> databaseNames() {
        return new ArrayList<>(databases.keySet());
    }

    /** A statement of the subset, checked and turned into a log entry (writes) or answered (reads). */
    record Statement(boolean write, ObjectNode entry, ArrayNode rows) {
    }

    /** Parses {@code sql}; a write becomes an entry to replicate, a read is answered at once from local state. */
    Statement parse(String database, String sql, JsonNode params) {
        String text = sql == null ? "" : sql.strip();
        Map<String, Map<String, ObjectNode>> types = databases.get(database);
        if (types == null) {
            throw new ApiError(500, "Internal error", "com.arcadedb.exception.DatabaseOperationException",
                    "Database '" + database + "' is not available");
        }
        Matcher m;
        if ((m = CREATE_TYPE.matcher(text)).matches()) {
            String type = m.group(1);
            if (types.containsKey(type) && m.group(2) == null) {
                throw new ApiError(500, "Cannot execute command", "com.arcadedb.exception.CommandExecutionException",
                        "Type '" + type + "' already exists");
            }
            return write(entry("createType", database).put("type", type));
        }
        if ((m = DROP_TYPE.matcher(text)).matches()) {
            String type = m.group(1);
            if (!types.containsKey(type) && m.group(2) == null) {
                throw schemaError(type);
            }
            return write(entry("dropType", database).put("type", type));
        }
        if ((m = INSERT_CONTENT.matcher(text)).matches()) {
            requireType(types, m.group(1));
            JsonNode content = Json.read(m.group(2));
            ObjectNode fields = Json.MAPPER.createObjectNode();
            content.fields().forEachRemaining(e -> fields.set(e.getKey(), e.getValue()));
            return write(entry("insert", database).put("type", m.group(1)).set("fields", fields));
        }
        if ((m = INSERT_SET.matcher(text)).matches()) {
            requireType(types, m.group(1));
            ObjectNode fields = Json.MAPPER.createObjectNode();
            for (String assignment : splitTopLevel(m.group(2), ',')) {
                Matcher c = CONDITION.matcher(assignment.strip());
                if (!c.matches()) {
                    throw parseError(text);
                }
                fields.set(c.group(1), value(c.group(2).strip(), params, text));
            }
            return write(entry("insert", database).put("type", m.group(1)).set("fields", fields));
        }
        if ((m = DELETE.matcher(text)).matches()) {
            requireType(types, m.group(1));
            ObjectNode e = entry("delete", database).put("type", m.group(1));
            e.set("where", conditions(m.group(2), params, text));
            return write(e);
        }
        if ((m = SELECT.matcher(text)).matches()) {
            return new Statement(false, null, select(types, m, params, text));
        }
        throw parseError(text);
    }

    private static Statement write(ObjectNode entry) {
        return new Statement(true, entry, null);
    }

    private static ObjectNode entry(String op, String database) {
        return Json.MAPPER.createObjectNode().put("op", op).put("db", database);
    }

    private ArrayNode select(Map<String, Map<String, ObjectNode>> types, Matcher m, JsonNode params, String text) {
        Map<String, ObjectNode> rows = requireType(types, m.group(2));
        ObjectNode where = conditions(m.group(3), params, text);
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode row : rows.values()) {
            if (matches(row, where)) {
                matching.add(row);
            }
        }
        if (m.group(4) != null) {
            matching = matching.subList(0, Math.min(matching.size(), Integer.parseInt(m.group(4))));
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        String projection = m.group(1).strip();
        if (projection.isEmpty() || projection.equals("*")) {
            matching.forEach(r -> out.add(r.deepCopy()));
            return out;
        }
        List<String> items = splitTopLevel(projection, ',');
        Matcher count = COUNT.matcher(items.get(0).strip());
        if (items.size() == 1 && count.matches()) {
            out.add(Json.MAPPER.createObjectNode().put(count.group(1) == null ? "count(*)" : count.group(1), matching.size()));
            return out;
        }
        for (ObjectNode row : matching) {
            ObjectNode projected = Json.MAPPER.createObjectNode();
            for (String item : items) {
                Matcher f = FIELD.matcher(item.strip());
                if (!f.matches()) {
                    throw parseError(text);
                }
                JsonNode value = row.get(f.group(1));
                projected.set(f.group(2) == null ? f.group(1) : f.group(2), value == null ? Json.MAPPER.nullNode() : value);
            }
            out.add(projected);
        }
        return out;
    }

    private static boolean matches(ObjectNode row, ObjectNode where) {
        for (var it = where.fields(); it.hasNext(); ) {
            var c = it.next();
            JsonNode value = row.get(c.getKey());
            if (value == null || !value.asText().equals(c.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode conditions(String where, JsonNode params, String text) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (where == null || where.isBlank()) {
            return out;
        }
        for (String part : where.split("(?i)\\s+AND\\s+")) {
            Matcher c = CONDITION.matcher(part.strip());
            if (!c.matches()) {
                throw parseError(text);
            }
            out.set(c.group(1), value(c.group(2).strip(), params, text));
        }
        return out;
    }

    private static JsonNode value(String expression, JsonNode params, String text) {
        if (expression.startsWith(":")) {
            JsonNode v = params == null ? null : params.get(expression.substring(1));
            if (v == null) {
                throw new ApiError(400, "Cannot execute command", "com.arcadedb.exception.CommandSQLParsingException",
                        "Parameter '" + expression + "' is not defined");
            }
            return v;
        }
        if ((expression.startsWith("'") && expression.endsWith("'") || expression.startsWith("\"") && expression.endsWith("\""))
                && expression.length() >= 2) {
            return Json.MAPPER.getNodeFactory().textNode(expression.substring(1, expression.length() - 1));
        }
        if (expression.matches("-?\\d+")) {
            return Json.MAPPER.getNodeFactory().numberNode(Long.parseLong(expression));
        }
        if (expression.equalsIgnoreCase("true") || expression.equalsIgnoreCase("false")) {
            return Json.MAPPER.getNodeFactory().booleanNode(Boolean.parseBoolean(expression));
        }
        throw parseError(text);
    }

    private static List<String> splitTopLevel(String text, char separator) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '(' || ch == '{' || ch == '[') {
                depth++;
            } else if (ch == ')' || ch == '}' || ch == ']') {
                depth--;
            } else if (ch == separator && depth == 0) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    private static Map<String, ObjectNode> requireType(Map<String, Map<String, ObjectNode>> types, String type) {
        Map<String, ObjectNode> rows = types.get(type);
        if (rows == null) {
            throw schemaError(type);
        }
        return rows;
    }

    private static ApiError schemaError(String type) {
        return new ApiError(400, "Cannot execute command", "com.arcadedb.exception.SchemaException", "Type with name '" + type + "' was not found");
    }

    private static ApiError parseError(String text) {
        return new ApiError(400, "Cannot execute command", "com.arcadedb.query.sql.parser.ParseException",
                "The stand-in server understands CREATE DOCUMENT TYPE, DROP TYPE, INSERT INTO ... SET/CONTENT, SELECT ... FROM ... "
                        + "[WHERE a = :p [AND ...]] [LIMIT n] and DELETE FROM; saw: " + text);
    }

    /** Applies one committed entry; returns its result rows (what /command answers). */
    ArrayNode apply(JsonNode entry) {
        ArrayNode result = Json.MAPPER.createArrayNode();
        String db = entry.path("db").asText();
        switch (entry.path("op").asText()) {
            case "createDatabase" -> databases.putIfAbsent(db, new LinkedHashMap<>());
            case "dropDatabase" -> databases.remove(db);
            case "createType" -> {
                Map<String, Map<String, ObjectNode>> types = databases.get(db);
                if (types != null) {
                    boolean created = types.putIfAbsent(entry.path("type").asText(), new LinkedHashMap<>()) == null;
                    result.add(Json.MAPPER.createObjectNode().put("operation", "create document type")
                            .put("typeName", entry.path("type").asText()).put("created", created));
                }
            }
            case "dropType" -> {
                Map<String, Map<String, ObjectNode>> types = databases.get(db);
                if (types != null) {
                    types.remove(entry.path("type").asText());
                    result.add(Json.MAPPER.createObjectNode().put("operation", "drop type").put("typeName", entry.path("type").asText()));
                }
            }
            case "insert" -> {
                Map<String, Map<String, ObjectNode>> types = databases.get(db);
                String type = entry.path("type").asText();
                Map<String, ObjectNode> rows = types == null ? null : types.get(type);
                long version = pageVersion(db, type);
                if (rows != null && entry.has("pv") && entry.path("pv").asLong() < version) {
                    // the page is already past this version (this node committed rows in its restart window): taken as
                    // applied, so the leader's row is silently not here (seen on 26.8.1)
                    rows = null;
                }
                if (rows != null) {
                    pageVersions.put(db + "/" + type, entry.has("pv") ? entry.path("pv").asLong() + 1 : version + 1);
                    String rid = entry.has("rid") ? entry.path("rid").asText() : "#1:" + (entry.path("i").asLong() - 1);
                    ObjectNode doc = Json.MAPPER.createObjectNode().put("@rid", rid).put("@type", entry.path("type").asText()).put("@cat", "d");
                    entry.path("fields").fields().forEachRemaining(f -> doc.set(f.getKey(), f.getValue()));
                    rows.put(rid, doc);
                    result.add(doc.deepCopy());
                }
            }
            case "delete" -> {
                Map<String, Map<String, ObjectNode>> types = databases.get(db);
                Map<String, ObjectNode> rows = types == null ? null : types.get(entry.path("type").asText());
                int count = 0;
                if (rows != null) {
                    ObjectNode where = (ObjectNode) entry.path("where");
                    var it = rows.values().iterator();
                    while (it.hasNext()) {
                        if (matches(it.next(), where)) {
                            it.remove();
                            count++;
                        }
                    }
                }
                result.add(Json.MAPPER.createObjectNode().put("count", count));
            }
            default -> {
                // noop and configuration entries change no data
            }
        }
        return result;
    }
}
