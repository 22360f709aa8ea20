package ha.nemesis;

import ha.core.Node;

/**
 * A fault that acts on one node, picked when it is applied (the leader, or the last follower): a crash, a pause, a
 * partition that cuts that node off. The other nodes keep a Raft majority only when there are 3 or more.
 */
abstract class OneNodeFault extends TimedFault {
    /** One node out leaves a majority only with 3 or more nodes. */
    static final int NODES_NEEDED = 3;

    private final Pick pick;
    private Node node;

    OneNodeFault(Pick pick) {
        super(NODES_NEEDED);
        this.pick = pick;
    }

    /** Which node the fault acts on. */
    public final Pick pick() {
        return pick;
    }

    /** The node it acts on (null until {@link #pickNode}). */
    public final Node node() {
        return node;
    }

    /** Picks the node in {@code ctx}'s cluster as it is now; returns it. */
    protected final Node pickNode(FaultContext ctx) {
        node = pick.in(ctx);
        return node;
    }
}
