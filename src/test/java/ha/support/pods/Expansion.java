package ha.support.pods;

import java.util.Map;

/**
 * Kubernetes' {@code $(VAR)} expansion in command, args and env values: {@code $(NAME)} becomes the value
 * of an env entry defined for the container (for env values: an earlier entry), {@code $$} becomes
 * {@code $}, and a reference to an undefined name stays as it is.
 */
final class Expansion {
    private Expansion() {
    }

    static String expand(String text, Map<String, String> defined) {
        if (text == null || text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
            } else if (text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (text.charAt(i + 1) == '(') {
                int close = text.indexOf(')', i + 2);
                String name = close < 0 ? null : text.substring(i + 2, close);
                if (name != null && defined.containsKey(name)) {
                    out.append(defined.get(name));
                    i = close + 1;
                } else if (name != null) {
                    out.append(text, i, close + 1);
                    i = close + 1;
                } else {
                    out.append(text.substring(i));
                    i = text.length();
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
