package ha.check;

import ha.core.Node;
import ha.target.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the suite tells who leads, in one place: the leader every node agrees on and that says so itself, and a leader
 * elected in a new term after a fault.
 */
public final class Elections {
    private Elections() {
    }

    /**
     * The node every one of {@code views} names leader, when it is one of the target's nodes, says itself that it leads,
     * and (with {@code readyField}, 26.8.1+) reports {@code leaderReady}; null otherwise.
     */
    public static Node agreedLeader(Target target, ClusterOps.Views views, boolean readyField) {
        String id = views.agreedLeaderId();
        Node leader = nodeOfPeer(target, id);
        if (leader == null) {
            return null;
        }
        return saysItLeads(views, leader, readyField) ? leader : null;
    }

    /** The node whose peer id is {@code id}, or null when there is no id or it names none of the target's nodes. */
    private static Node nodeOfPeer(Target target, String id) {
        if (id == null) {
            return null;
        }
        try {
            return target.nodeOfPeer(id);
        } catch (RuntimeException notOurs) {
            return null;
        }
    }

    /** The node's own answer says it leads (and, with {@code readyField}, that its leadership is ready). */
    public static boolean saysItLeads(ClusterOps.Views views, Node node, boolean readyField) {
        ClusterOps.View own = views.all().stream().filter(v -> v.node().equals(node)).findFirst().orElse(null);
        return own != null && own.answered() && own.status().leader()
                && (!readyField || Boolean.TRUE.equals(own.status().leaderReady()));
    }

    /** What a new term is judged against: the leader before a fault, its incarnation, every node's electionCount and term. */
    public record Before(Node leader, String incarnation, Map<Node, Long> electionCounts, Long term) {
        @Override
        public String toString() {
            return "leader " + leader + " (incarnation " + incarnation + "), electionCount " + electionCounts
                    + (term == null ? "" : ", term " + term);
        }
    }

    /** Takes {@link Before} while {@code leader} leads. */
    public static Before before(Target target, ClusterOps.Views views, Node leader) {
        Map<Node, Long> counts = new LinkedHashMap<>();
        for (ClusterOps.View v : views.all()) {
            if (v.answered() && v.status().electionCount() != null) {
                counts.put(v.node(), v.status().electionCount());
            }
        }
        return new Before(leader, target.incarnation(leader), counts, ServerLogs.lastTerm(target, leader));
    }

    /**
     * The leader of a new term, or null while there is none. A new term shows as: every other node than the old leader
     * answers and names the same leader; each of them has a larger electionCount than before (it was told of a leader
     * change; not checked where the version lacks the field); and the leader itself says it leads (and is ready, where
     * the version reports it) from a process that holds the leadership now: another node, or the old leader's new
     * incarnation, which can only lead by winning an election after its restart (real 26.8.1 servers re-elected a killed
     * and at once restarted leader in 4 of 4 runs).
     */
    public static Node newTermLeader(Target target, ClusterOps.Views views, Before before) {
        List<ClusterOps.View> others = views.all().stream().filter(v -> !v.node().equals(before.leader())).toList();
        String id = null;
        for (ClusterOps.View v : others) {
            if (!v.answered() || v.status().leaderId() == null || (id != null && !id.equals(v.status().leaderId()))) {
                return null;
            }
            id = v.status().leaderId();
            Long was = before.electionCounts().get(v.node());
            Long now = v.status().electionCount();
            if (was != null && now != null && now <= was) {
                return null;
            }
        }
        Node leader = nodeOfPeer(target, id);
        if (leader == null) {
            return null;
        }
        ClusterOps.View own = views.of(leader);
        if (!own.answered() || !own.status().leader() || Boolean.FALSE.equals(own.status().leaderReady())) {
            return null;
        }
        if (leader.equals(before.leader()) && target.incarnation(leader).equals(before.incarnation())) {
            return null;
        }
        return leader;
    }
}
