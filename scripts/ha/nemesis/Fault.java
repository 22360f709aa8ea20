package ha.nemesis;

import ha.core.Node;
import ha.core.PhaseFailure;

/**
 * A fault the suite injects into the cluster: Jepsen's nemesis. It says what it is and how many nodes it needs to
 * make sense, applies itself and heals, and records in the run's history what it did to which node (the checker
 * explains lost rows by those events). A fault does not judge: what the cluster must do meanwhile is the phase's.
 */
public interface Fault {
    /** What the fault does, for progress lines: "crash the leader". */
    String name();

    /** The fewest nodes on which the fault keeps a Raft majority; a smaller cluster skips the phase with that reason. */
    int nodesNeeded();

    /** Injects the fault; returns once it is in place. */
    void apply(FaultContext ctx);

    /** Ends the fault and waits until the nodes it touched are back (a replacement ready, a process resumed). */
    void heal(FaultContext ctx);

    /** Which node a fault picks, once the leader is known. */
    enum Pick {
        /** The agreed leader. */
        LEADER,
        /** The highest-ordinal follower: the one a StatefulSet would also replace last. */
        LAST_FOLLOWER;

        /** The node this pick names in {@code ctx}'s cluster. */
        public Node in(FaultContext ctx) {
            if (this == LEADER) {
                return ctx.leader();
            }
            Node pick = null;
            for (Node n : ctx.target().nodes()) {
                if (!n.equals(ctx.leader())) {
                    pick = n;
                }
            }
            if (pick == null) {
                throw new PhaseFailure("expected at least one follower, saw only the leader " + ctx.leader());
            }
            return pick;
        }

        @Override
        public String toString() {
            return this == LEADER ? "the leader" : "a follower";
        }
    }
}
