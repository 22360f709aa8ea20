package ha.core;

import java.net.URI;

/**
 * Where one node's HTTP API is reached from here: a port-forward's local port for a pod, a loopback
 * port for a local process. {@link #connectionFailed} lets the owner re-open a broken route.
 */
public interface Endpoint {
    /** Human name of the node (pod or process name) for messages. */
    String name();

    /** Base URI, e.g. http://127.0.0.1:41234; may open a route on first use. */
    URI baseUri();

    /** Called when a request could not connect or the connection broke mid-request. */
    default void connectionFailed(Exception cause) {
    }
}
