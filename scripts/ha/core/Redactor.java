package ha.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Keeps secrets out of every line the suite prints or writes. The password is registered once, when a
 * target learns it; every log line, error message and report passes through {@link #redact(String)}.
 * Its base64 forms (as in a Secret's data or a Basic Authorization header) are hidden too.
 */
public final class Redactor {
    public static final String MASK = "******";
    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

    private Redactor() {
    }

    public static void register(String secret) {
        if (secret == null || secret.isEmpty()) {
            return;
        }
        SECRETS.add(secret);
        SECRETS.add(base64(secret));
        SECRETS.add(base64("root:" + secret));
        String withoutPadding = base64(secret).replace("=", "");
        if (withoutPadding.length() >= 4) {
            SECRETS.add(withoutPadding);
        }
    }

    public static String redact(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : SECRETS) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
