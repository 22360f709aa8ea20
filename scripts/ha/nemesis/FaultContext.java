package ha.nemesis;

import ha.check.ClusterOps;
import ha.check.Elections;
import ha.check.History;
import ha.core.Node;
import ha.target.Target;
import java.time.Duration;

/**
 * What a fault works with: the target, the run's history (under the phase's name), the deadline of every wait, and the
 * cluster as it was just before the fault: its agreed leader and what a new term will be judged against.
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
}
