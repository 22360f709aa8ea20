package ha.nemesis;

import ha.check.ClusterOps;
import ha.check.Elections;
import ha.check.History;
import ha.core.Node;
import ha.core.ServerVersion;
import ha.core.Wait;
import ha.target.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * What a fault works with: the target, the run's history (under the phase's name), the deadline of every wait, and the
 * cluster as it was just before the fault: its agreed leader and what a new term will be judged against. Its verbs wait
 * up to the phase's deadline.
 */
public record FaultContext(Target target, ClusterOps cluster, History history, String phase, Duration timeout,
                           Elections.Before before) {
    /** The agreed leader before the fault. */
    public Node leader() {
        return before.leader();
    }

    /** Records what the fault did to a node ("killed", "stopped", "ready-again", …) in the history. */
    public void event(String kind, Node node, String detail) {
        history.event(phase, kind, node == null ? null : node.name(), detail);
    }

    /** Polls {@code observe} at HTTP pace until {@code ready} accepts what it saw, up to the phase's deadline; returns that. */
    public <T> T until(String description, Callable<T> observe, Predicate<T> ready) {
        return Wait.until(description, Wait.HTTP_POLL, timeout, observe, ready);
    }

    /** The servers' version, which says which status fields they report. */
    public ServerVersion version() {
        return cluster.version(timeout);
    }

    /** Waits until every node (or only {@code among}, when not null) names the same leader; the wait names {@code who}. */
    public Node awaitLeader(String who, List<Node> among) {
        return cluster.awaitLeader(ClusterOps.oneLeader(who), timeout, among);
    }

    /** Waits until a new incarnation of {@code node} (not {@code incarnation}) is ready; returns it. */
    public String awaitReplacement(Node node, String incarnation) {
        return target.awaitReplacement(node, incarnation, timeout);
    }

    /** Waits until the target's nodes are rolled out and ready. */
    public void awaitRollout() {
        target.awaitRollout(timeout);
    }

    /** Grows or shrinks the target to {@code replicas} nodes and waits until they run. */
    public void scaleTo(int replicas) {
        target.scaleTo(replicas, timeout);
    }
}
