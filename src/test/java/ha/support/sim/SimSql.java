package ha.support.sim;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The SQL subset the simulator understands (keywords case-insensitive):
 * <pre>
 * CREATE DOCUMENT TYPE &lt;T&gt; [IF NOT EXISTS]
 * INSERT INTO &lt;T&gt; SET f1 = v1, f2 = v2, ...
 * SELECT [* | f1, f2 [AS a] | count(*) [AS a]] FROM &lt;T&gt; [WHERE f op v [AND ...]] [ORDER BY f [ASC|DESC]] [LIMIT n]
 * </pre>
 * with op one of {@code = != <> < <= > >= LIKE}; values are 'strings' (also "strings"), numbers, true, false, null,
 * {@code :name} and positional {@code ?} parameters.
 */
final class SimSql {
    private SimSql() {
    }

    static final class SqlException extends Exception {
        private static final long serialVersionUID = 1L;

        SqlException(String message) {
            super(message);
        }
    }

    interface Stmt {
    }

    record CreateType(String type, boolean ifNotExists) implements Stmt {
    }

    record Insert(String type, LinkedHashMap<String, Object> values) implements Stmt {
    }

    record Cond(String field, String op, Object value) {
    }

    record Projection(String field, String alias) {
    }

    /** {@code countAlias != null} means a count(*) query; {@code projections == null} means *. */
    record Select(List<Projection> projections, String countAlias, String type, List<Cond> where, String orderBy,
                  boolean descending, long limit) implements Stmt {
    }

    static boolean idempotent(Stmt s) {
        return s instanceof Select;
    }

    // ------------------------------------------------------------------ lexer

    private enum T { WORD, QUOTED_WORD, STRING, NUMBER, PARAM, SYM, EOF }

    private record Tok(T t, String text, Object value, int pos) {
        boolean is(String keyword) {
            return t == T.WORD && text.equalsIgnoreCase(keyword);
        }

        boolean sym(String s) {
            return t == T.SYM && text.equals(s);
        }
    }

    private static List<Tok> lex(String s) throws SqlException {
        List<Tok> out = new ArrayList<>();
        int i = 0;
        int positional = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                int start = i;
                StringBuilder b = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = s.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        char e = s.charAt(i + 1);
                        b.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                        i += 2;
                    } else if (d == c) {
                        if (i + 1 < n && s.charAt(i + 1) == c) {
                            b.append(c);
                            i += 2;
                        } else {
                            i++;
                            closed = true;
                            break;
                        }
                    } else {
                        b.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new SqlException("Unterminated string at position " + start);
                }
                out.add(new Tok(T.STRING, b.toString(), b.toString(), start));
            } else if (c == '`') {
                int end = s.indexOf('`', i + 1);
                if (end < 0) {
                    throw new SqlException("Unterminated quoted identifier at position " + i);
                }
                out.add(new Tok(T.QUOTED_WORD, s.substring(i + 1, end), null, i));
                i = end + 1;
            } else if (Character.isDigit(c) || (c == '-' && i + 1 < n && Character.isDigit(s.charAt(i + 1)) && !lastIsValue(out))) {
                int start = i;
                i++;
                while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                String num = s.substring(start, i);
                Object v;
                try {
                    v = num.contains(".") ? (Object) Double.valueOf(num) : (Object) Long.valueOf(num);
                } catch (NumberFormatException e) {
                    throw new SqlException("Invalid number '" + num + "' at position " + start);
                }
                out.add(new Tok(T.NUMBER, num, v, start));
            } else if (c == ':' && i + 1 < n && isIdentStart(s.charAt(i + 1))) {
                int start = i;
                i++;
                while (i < n && isIdentPart(s.charAt(i))) {
                    i++;
                }
                out.add(new Tok(T.PARAM, s.substring(start + 1, i), null, start));
            } else if (c == '?') {
                out.add(new Tok(T.PARAM, null, positional++, i));
                i++;
            } else if (isIdentStart(c)) {
                int start = i;
                while (i < n && isIdentPart(s.charAt(i))) {
                    i++;
                }
                out.add(new Tok(T.WORD, s.substring(start, i), null, start));
            } else if (c == '!' || c == '<' || c == '>') {
                if (i + 1 < n && (s.charAt(i + 1) == '=' || (c == '<' && s.charAt(i + 1) == '>'))) {
                    out.add(new Tok(T.SYM, s.substring(i, i + 2), null, i));
                    i += 2;
                } else if (c == '!') {
                    throw new SqlException("Unexpected character '!' at position " + i);
                } else {
                    out.add(new Tok(T.SYM, String.valueOf(c), null, i));
                    i++;
                }
            } else if ("(),=*;".indexOf(c) >= 0) {
                out.add(new Tok(T.SYM, String.valueOf(c), null, i));
                i++;
            } else {
                throw new SqlException("Unexpected character '" + c + "' at position " + i);
            }
        }
        out.add(new Tok(T.EOF, "", null, n));
        return out;
    }

    private static boolean lastIsValue(List<Tok> out) {
        if (out.isEmpty()) {
            return false;
        }
        T t = out.get(out.size() - 1).t;
        return t == T.NUMBER || t == T.STRING || t == T.PARAM || t == T.QUOTED_WORD
                || (t == T.WORD && !isKeyword(out.get(out.size() - 1).text)) || out.get(out.size() - 1).sym(")");
    }

    private static boolean isKeyword(String w) {
        switch (w.toUpperCase(Locale.ROOT)) {
            case "AND", "WHERE", "SET", "LIKE", "LIMIT", "BY" -> {
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '@' || c == '$';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '@' || c == '$';
    }

    // ------------------------------------------------------------------ parser

    private static final class Cursor {
        final List<Tok> toks;
        final Object params;
        int p;

        Cursor(List<Tok> toks, Object params) {
            this.toks = toks;
            this.params = params;
        }

        Tok peek() {
            return toks.get(p);
        }

        Tok next() {
            return toks.get(p++);
        }

        boolean accept(String keyword) {
            if (peek().is(keyword)) {
                p++;
                return true;
            }
            return false;
        }

        boolean acceptSym(String s) {
            if (peek().sym(s)) {
                p++;
                return true;
            }
            return false;
        }

        void expect(String keyword) throws SqlException {
            if (!accept(keyword)) {
                throw error("expected " + keyword.toUpperCase(Locale.ROOT));
            }
        }

        void expectSym(String s) throws SqlException {
            if (!acceptSym(s)) {
                throw error("expected '" + s + "'");
            }
        }

        String identifier() throws SqlException {
            Tok t = next();
            if (t.t == T.WORD || t.t == T.QUOTED_WORD) {
                return t.text;
            }
            p--;
            throw error("expected an identifier");
        }

        SqlException error(String what) {
            Tok t = peek();
            String found = t.t == T.EOF ? "end of statement" : "'" + t.text + "'";
            return new SqlException("Syntax error: " + what + " but found " + found + " at position " + t.pos);
        }

        void end() throws SqlException {
            acceptSym(";");
            if (peek().t != T.EOF) {
                throw error("expected end of statement");
            }
        }

        Object value() throws SqlException {
            Tok t = next();
            switch (t.t) {
                case STRING, NUMBER -> {
                    return t.value;
                }
                case PARAM -> {
                    return param(t);
                }
                case WORD -> {
                    if (t.text.equalsIgnoreCase("true")) {
                        return Boolean.TRUE;
                    }
                    if (t.text.equalsIgnoreCase("false")) {
                        return Boolean.FALSE;
                    }
                    if (t.text.equalsIgnoreCase("null")) {
                        return null;
                    }
                    p--;
                    throw error("expected a value");
                }
                default -> {
                    p--;
                    throw error("expected a value");
                }
            }
        }

        Object param(Tok t) throws SqlException {
            if (t.text != null) {
                if (params instanceof Map<?, ?> m && m.containsKey(t.text)) {
                    return normalize(m.get(t.text));
                }
                throw new SqlException("Parameter ':" + t.text + "' not found in the parameters");
            }
            int idx = (Integer) t.value;
            if (params instanceof List<?> l && idx < l.size()) {
                return normalize(l.get(idx));
            }
            if (params instanceof Map<?, ?> m && m.containsKey(String.valueOf(idx))) {
                return normalize(m.get(String.valueOf(idx)));
            }
            throw new SqlException("Positional parameter " + idx + " not found in the parameters");
        }
    }

    /** Parses one statement; {@code params} is a Map (named) or a List (positional) or null. */
    static Stmt parse(String sql, Object params) throws SqlException {
        if (sql == null || sql.isBlank()) {
            throw new SqlException("Empty statement");
        }
        Cursor c = new Cursor(lex(sql), params);
        Stmt s;
        if (c.accept("CREATE")) {
            if (!c.accept("DOCUMENT")) {
                throw c.error("expected DOCUMENT (the simulator supports CREATE DOCUMENT TYPE only)");
            }
            c.expect("TYPE");
            String type = c.identifier();
            boolean ifNotExists = false;
            if (c.accept("IF")) {
                c.expect("NOT");
                c.expect("EXISTS");
                ifNotExists = true;
            }
            s = new CreateType(type, ifNotExists);
        } else if (c.accept("INSERT")) {
            c.expect("INTO");
            String type = c.identifier();
            c.expect("SET");
            LinkedHashMap<String, Object> values = new LinkedHashMap<>();
            do {
                String field = c.identifier();
                c.expectSym("=");
                values.put(field, c.value());
            } while (c.acceptSym(","));
            s = new Insert(type, values);
        } else if (c.accept("SELECT")) {
            s = select(c);
        } else {
            throw c.error("expected CREATE, INSERT or SELECT");
        }
        c.end();
        return s;
    }

    private static Select select(Cursor c) throws SqlException {
        List<Projection> projections = new ArrayList<>();
        String countAlias = null;
        if (c.acceptSym("*") || c.peek().is("FROM")) {
            projections = null;
        } else if (c.peek().is("count") && c.toks.get(c.p + 1).sym("(")) {
            c.next();
            c.expectSym("(");
            c.expectSym("*");
            c.expectSym(")");
            countAlias = c.accept("AS") ? c.identifier() : "count(*)";
        } else {
            do {
                String field = c.identifier();
                String alias = c.accept("AS") ? c.identifier() : field;
                projections.add(new Projection(field, alias));
            } while (c.acceptSym(","));
        }
        c.expect("FROM");
        String type = c.identifier();
        List<Cond> where = new ArrayList<>();
        if (c.accept("WHERE")) {
            do {
                String field = c.identifier();
                String op;
                if (c.accept("LIKE")) {
                    op = "LIKE";
                } else {
                    Tok t = c.next();
                    if (t.t != T.SYM || !List.of("=", "!=", "<>", "<", "<=", ">", ">=").contains(t.text)) {
                        c.p--;
                        throw c.error("expected a comparison operator");
                    }
                    op = t.text;
                }
                where.add(new Cond(field, op, c.value()));
            } while (c.accept("AND"));
        }
        String orderBy = null;
        boolean desc = false;
        if (c.accept("ORDER")) {
            c.expect("BY");
            orderBy = c.identifier();
            if (c.accept("DESC")) {
                desc = true;
            } else {
                c.accept("ASC");
            }
        }
        long limit = -1;
        if (c.accept("LIMIT")) {
            Object v = c.value();
            if (!(v instanceof Long l) || l < 0) {
                throw new SqlException("LIMIT needs a non-negative integer");
            }
            limit = l;
        }
        return new Select(projections, countAlias, type, where, orderBy, desc, limit);
    }

    // ------------------------------------------------------------------ execution

    /** Runs a SELECT over one type's rows (the caller checked that the type exists). */
    static List<Map<String, Object>> execute(Select s, SimDb.SimType type) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : type.rows) {
            boolean ok = true;
            for (Cond cond : s.where()) {
                if (!matches(row.get(cond.field()), cond)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                rows.add(row);
            }
        }
        if (s.countAlias() != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put(s.countAlias(), (long) rows.size());
            return List.of(r);
        }
        if (s.orderBy() != null) {
            Comparator<Map<String, Object>> cmp = (a, b) -> compare(a.get(s.orderBy()), b.get(s.orderBy()));
            rows.sort(s.descending() ? cmp.reversed() : cmp);
        }
        if (s.limit() >= 0 && rows.size() > s.limit()) {
            rows = new ArrayList<>(rows.subList(0, (int) s.limit()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (s.projections() == null) {
                out.add(new LinkedHashMap<>(row));
            } else {
                Map<String, Object> r = new LinkedHashMap<>();
                for (Projection p : s.projections()) {
                    r.put(p.alias(), row.get(p.field()));
                }
                out.add(r);
            }
        }
        return out;
    }

    private static boolean matches(Object v, Cond c) {
        Object w = c.value();
        switch (c.op()) {
            case "LIKE" -> {
                return v instanceof String str && w instanceof String pattern && likeRegex(pattern).matcher(str).matches();
            }
            case "=" -> {
                return equal(v, w);
            }
            case "!=", "<>" -> {
                return v != null && w != null && !equal(v, w);
            }
            default -> {
                if (v == null || w == null || !comparable(v, w)) {
                    return false;
                }
                int r = compare(v, w);
                return switch (c.op()) {
                    case "<" -> r < 0;
                    case "<=" -> r <= 0;
                    case ">" -> r > 0;
                    default -> r >= 0;
                };
            }
        }
    }

    private static Pattern likeRegex(String pattern) {
        StringBuilder b = new StringBuilder();
        StringBuilder lit = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            if (ch == '%' || ch == '_') {
                if (lit.length() > 0) {
                    b.append(Pattern.quote(lit.toString()));
                    lit.setLength(0);
                }
                b.append(ch == '%' ? ".*" : ".");
            } else {
                lit.append(ch);
            }
        }
        if (lit.length() > 0) {
            b.append(Pattern.quote(lit.toString()));
        }
        return Pattern.compile(b.toString(), Pattern.DOTALL);
    }

    private static boolean comparable(Object a, Object b) {
        return (a instanceof Number && b instanceof Number) || (a instanceof String && b instanceof String)
                || (a instanceof Boolean && b instanceof Boolean);
    }

    static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return a != null && Objects.equals(a, b);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a.getClass() == b.getClass() && a instanceof Comparable ca) {
            return ca.compareTo(b);
        }
        return a.toString().compareTo(b.toString());
    }

    /** Parameter values from JSON: integers become Long, decimals Double; anything else as is. */
    static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger bi) {
            return bi.bitLength() < 64 ? (Object) bi.longValue() : (Object) bi.doubleValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigDecimal bd) {
            return bd.doubleValue();
        }
        return v;
    }
}
