package ha.support.sim;

/**
 * Lifecycle hooks of simulator nodes, for code that relays traffic to them (for example a mock Kubernetes
 * port-forward). Called on the thread that changed the node, after the change, outside the simulator's lock.
 */
public interface NodeListener {
    /** The node's HTTP port answers again (start, restart, or a refused-connections fault switched off). */
    default void nodeStarted(int ordinal, int httpPort) {
    }

    /** The node's process stopped (kill, graceful stop, scale-down). */
    default void nodeStopped(int ordinal) {
    }

    /** {@link ClusterSimulator#scaleTo} created a new node slot. */
    default void nodeAdded(int ordinal, int httpPort) {
    }
}
