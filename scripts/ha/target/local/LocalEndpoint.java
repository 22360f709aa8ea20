package ha.target.local;

import ha.client.ArcadeClient;
import ha.core.Endpoint;
import java.net.URI;

/** A node's HTTP API on loopback; a refused connection to a process that exited says so, with its log. */
final class LocalEndpoint implements Endpoint {
    private final LocalNode node;
    private final URI base;

    LocalEndpoint(LocalNode node) {
        this.node = node;
        this.base = URI.create("http://127.0.0.1:" + node.ports().http() + "/");
    }

    @Override
    public String name() {
        return node.name();
    }

    @Override
    public URI baseUri() {
        return base;
    }

    @Override
    public void connectionFailed(Exception cause) {
        Process p = node.process();
        if (p != null && !p.isAlive()) {
            throw new ArcadeClient.NodeUnreachableException(node.label() + " is not running (" + node.state() + "); "
                    + node.tail(5), cause);
        }
    }
}
