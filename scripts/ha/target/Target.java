package ha.target;

import ha.client.ArcadeClient;
import ha.core.Node;
import ha.core.PhaseSkipped;
import ha.core.ServerVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster under test, as a phase sees it: how to reach each node's HTTP API, and what may be done
 * to the cluster. Phases never ask which kind of target they have; Kubernetes (pods of the chart's
 * StatefulSet behind port-forwards) and local processes implement the same operations.
 */
public interface Target extends AutoCloseable {

    /** One line for headers: "release test-arcadedb in namespace default (context kind-ha)". */
    String describe();

    /** The nodes that should exist now, by ordinal. */
    List<Node> nodes();

    /** An authenticated (root) client for the node. */
    ArcadeClient client(Node node);

    /** The node a Raft peer id belongs to. Throws {@link PhaseFailure} for an id of no node. */
    Node nodeOfPeer(String peerId);

    /** The Raft peer id a node computes for itself. */
    String peerIdOf(Node node);

    /** ArcadeDB settings the cluster was started with (-D arguments and dotted env names). */
    Map<String, String> settings();

    /** How a user starts this kind of cluster with {@code values}: "install with --set …", "pass --server-setting …". */
    String howToSet(Map<ServerSetting, String> values);

    /** Whether a node keeps its databases and Raft log when it is replaced (volumes, data folders). */
    boolean keepsStateOnRestart();

    /** Waits until every node runs the current spec and is ready (as {@code kubectl rollout status} means it). */
    void awaitRollout(Duration timeout);

    /** What changes when the node is replaced: a pod's UID, a process id. */
    String incarnation(Node node);

    /**
     * One node as the chart's client Service sees it at one moment: whether the Service routes client traffic to it
     * ({@code ready}), when its current incarnation (process, container) started (epoch millis, -1 when unknown), and a
     * few words on why it is or is not ready.
     */
    record ServiceState(Node node, boolean ready, long startedMillis, String why) {
        @Override
        public String toString() {
            return node.name() + (ready ? " ready" : " not ready") + (why == null || why.isEmpty() ? "" : " (" + why + ")");
        }
    }

    /**
     * Every node as the chart's client Service would route to it now, in ordinal order. On Kubernetes: the pods the
     * release's client Service selects (by the Service's own selector) whose Ready condition is True and that are not
     * terminating, as the EndpointSlice controller publishes them. Locally: nodes whose readiness probe, run the way the
     * chart's readiness probe runs (its period, timeout and thresholds, on {@code /api/v1/ready}), says ready; a node
     * being stopped or killed is not ready from that moment, a new process not before its first successful probe.
     */
    List<ServiceState> serviceView();

    /**
     * Removes a node as a crash would: no grace (a pod deleted with grace period 0, {@code kill -9} of a process);
     * with {@code wipeState} its storage is deleted too. The node comes back as a new incarnation.
     */
    void deleteNode(Node node, boolean wipeState);

    /**
     * Restarts a node the way a rolling update does: SIGTERM, up to the grace period for the server to stop on its
     * own (a pod deleted with its {@code terminationGracePeriodSeconds}; a local process given
     * {@link #GRACEFUL_STOP}), then a new incarnation with the same state. Returns once the stop was requested;
     * {@link #awaitReplacement} waits for the new incarnation.
     */
    void restartGracefully(Node node);

    /** How long a local process gets between SIGTERM and SIGKILL: the chart's default grace period. */
    Duration GRACEFUL_STOP = Duration.ofSeconds(60);

    /** Waits for a node to come back as a new incarnation that is ready. Returns the new incarnation. */
    String awaitReplacement(Node node, String previousIncarnation, Duration timeout);

    /**
     * Changes the number of nodes (helm upgrade on Kubernetes), waiting for the new ones to run. Where new nodes do not
     * join the Raft group on their own ({@link #joinsOnItsOwn}), they run but are not members yet when this returns.
     */
    void scaleTo(int replicas, Duration timeout);

    /** Whether a node added by {@link #scaleTo} joins the Raft group on its own (Kubernetes auto-join, 26.8.1+). */
    boolean joinsOnItsOwn(ServerVersion version);

    /** Why this target cannot cut the network between nodes (one line), or null when {@link #cut} works. */
    default String whyNoCut() {
        return "this target cannot cut the network between nodes";
    }

    /**
     * Cuts every node of {@code sideA} off from every node of {@code sideB}, both directions, connections already open
     * included; the suite still reaches every node. Returns once the cut is in place.
     */
    default void cut(List<Node> sideA, List<Node> sideB) {
        throw new PhaseSkipped(whyNoCut());
    }

    /** Lifts every cut {@link #cut} made; returns once it is lifted. Does nothing when there is none. */
    default void healNetwork() {
    }

    /** The node's server log (current incarnation; with {@code previous} the one before, where known). */
    String logs(Node node, boolean previous);

    /** Writes what helps to understand a failure into {@code dir} (one file per kind of evidence). */
    void collectDiagnostics(Path dir);

    // ---------------------------------------------------------------- pause (SIGSTOP / SIGCONT)

    /**
     * Why this target cannot freeze a node's process, or empty when it can ({@link #freeze}). A phase that needs a
     * frozen node is skipped with this reason.
     */
    default Optional<String> cannotFreeze() {
        return Optional.of("this target cannot freeze a server process");
    }

    /** Freezes the node's server process (SIGSTOP): it keeps its sockets and state but runs no code until {@link #thaw}. */
    default void freeze(Node node) {
        throw new PhaseSkipped(cannotFreeze().orElse("this target cannot freeze a server process"));
    }

    /** Lets a frozen node run again (SIGCONT); a node that is not frozen is left as it is. */
    default void thaw(Node node) {
    }

    @Override
    void close();
}
