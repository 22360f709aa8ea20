package ha.support.standin.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The stand-in's outgoing HTTP: {@link HttpURLConnection} (keep-alive pooled by the JDK, and no TLS
 * set-up at start, unlike java.net.http), with a connect and a read timeout on every call.
 */
final class Http {
    record Reply(int status, String body) {
    }

    private Http() {
    }

    static Reply send(String method, String url, String body, Map<String, String> headers, int connectMillis, int readMillis)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(connectMillis);
        c.setReadTimeout(readMillis);
        c.setRequestMethod(method);
        c.setUseCaches(false);
        headers.forEach(c::setRequestProperty);
        if (body != null && !method.equals("GET")) {
            c.setDoOutput(true);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = "";
        if (in != null) {
            try (in) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new Reply(status, text);
    }
}
