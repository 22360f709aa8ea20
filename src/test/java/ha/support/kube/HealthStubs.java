package ha.support.kube;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Pods that only answer GET /api/v1/health, each with a fixed status, and GET /api/v1/ready with 204 (so the mock
 * kubelet finds them ready): the smallest backend for MockKube.
 */
public final class HealthStubs implements MockKube.Backend, AutoCloseable {
    private final List<HttpServer> servers = new ArrayList<>();

    public HealthStubs(int... statuses) {
        try {
            for (int status : statuses) {
                HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                s.createContext("/api/v1/health", ex -> {
                    ex.getRequestBody().readAllBytes();
                    ex.sendResponseHeaders(status, -1);
                    ex.close();
                });
                s.createContext("/api/v1/ready", ex -> {
                    ex.getRequestBody().readAllBytes();
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                });
                s.start();
                servers.add(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int httpPort(int ordinal) {
        return servers.get(ordinal).getAddress().getPort();
    }

    @Override
    public void podDeleted(int ordinal) {
    }

    @Override
    public void podStarted(int ordinal, boolean freshVolumes) {
    }

    @Override
    public void scaled(int replicas) {
    }

    @Override
    public List<String> log(int ordinal) {
        return List.of("stub node " + ordinal + " started");
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
    }
}
