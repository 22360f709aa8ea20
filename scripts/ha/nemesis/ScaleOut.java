package ha.nemesis;

import ha.client.ArcadeHttpException;
import ha.core.Log;
import ha.core.Node;
import ha.core.PeerIds;
import ha.core.UsageException;
import ha.target.Target;
import java.util.List;

/**
 * The cluster grown to {@code to} nodes as {@code helm upgrade --set replicaCount=N} grows it (locally: new processes
 * with the wider server list, the old ones restarted with it); on servers that do not join on their own (before 26.8.1,
 * and local processes, which run without Kubernetes' auto-join) each new peer is added through the leader with
 * {@code POST /api/v1/cluster/peer}. Healed by removing the added peers from the Raft configuration and scaling back,
 * unless the cluster is to stay scaled.
 */
public final class ScaleOut extends TimedFault {
    /**
     * Growing a cluster of 1 or 2 moves its majority onto the new nodes; the leader may then be one of them, and
     * scaling back would have to remove it.
     */
    public static final int NODES_NEEDED = 3;

    private final int to;
    private final boolean keep;
    private List<Node> before;
    private List<Node> added = List.of();

    /** Refuses, before anything starts, a size that does not grow a cluster of {@code nodes}. */
    public static void checkGrows(int to, int nodes) {
        if (to <= nodes) {
            throw new UsageException("--scale-to " + to + " does not grow the cluster of --nodes " + nodes
                    + "; scale-up needs a --scale-to larger than " + nodes);
        }
    }

    public ScaleOut(int to, boolean keep) {
        super(NODES_NEEDED);
        this.to = to;
        this.keep = keep;
    }

    @Override
    public String name() {
        return "scale up to " + to + " nodes";
    }

    @Override
    public void apply(FaultContext ctx) {
        Target target = ctx.target();
        markApplied();
        before = target.nodes();
        if (to <= before.size()) {
            throw new UsageException("--scale-to " + to + " does not grow the cluster: it has " + before.size() + " nodes");
        }
        ctx.event("scaled", null, "from " + before.size() + " to " + to + " nodes");
        ctx.scaleTo(to);
        added = target.nodes().subList(before.size(), to);
        if (!target.joinsOnItsOwn(ctx.version())) {
            Node leader = ctx.awaitLeader("the original nodes", before);
            for (Node node : added) {
                String id = target.peerIdOf(node);
                Log.step("%s does not join on its own: adding %s through the leader %s", node, id, leader);
                ctx.until("the leader " + leader + " to add peer " + node,
                        () -> target.client(leader).addPeer(id, PeerIds.host(id) + ":" + PeerIds.raftPort(id)), answer -> true);
            }
            ctx.awaitRollout();
        }
    }

    @Override
    public void heal(FaultContext ctx) {
        if (keep || added.isEmpty()) {
            return;
        }
        Node leader = ctx.awaitLeader("every node", null);
        for (int i = added.size() - 1; i >= 0; i--) {
            Node node = added.get(i);
            String id = ctx.target().peerIdOf(node);
            ctx.until("the leader " + leader + " to remove peer " + node + " from the Raft configuration",
                    () -> removePeer(ctx.target(), leader, id), removed -> removed);
        }
        ctx.event("scaled", null, "back to " + before.size() + " nodes");
        ctx.scaleTo(before.size());
    }

    /** The nodes the fault added (after {@link #apply}). */
    public List<Node> added() {
        return added;
    }

    /** The nodes before it (after {@link #apply}). */
    public List<Node> before() {
        return before;
    }

    /** DELETE /api/v1/cluster/peer/{id}; "not found" (409) on a retry means an earlier attempt did it. */
    private static boolean removePeer(Target target, Node leader, String id) {
        try {
            target.client(leader).removePeer(id);
        } catch (ArcadeHttpException e) {
            if (e.status() != 409 || e.error() == null || !e.error().contains("not found")) {
                throw e;
            }
        }
        return true;
    }
}
