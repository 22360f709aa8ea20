package ha.check;

import ha.client.ArcadeClient;
import ha.client.ClusterStatus;
import ha.client.VerifyResult;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseFailure;
import ha.core.Wait;
import ha.target.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What must hold once a disruption is over: one agreed leader, Raft running, every expected peer in the leader's
 * configuration and HEALTHY, no cluster alert, and the databases byte-identical by the leader's verify. Between the
 * steps of a disruption, a lighter check: every node answers and the leader's configuration still holds every node.
 *
 * @param target   the cluster's target
 * @param cluster  its leader and status verbs
 * @param database the test database, whose replicas the leader's verify compares
 * @param timeout  how long each wait of a check may take
 */
public record Invariants(Target target, ClusterOps cluster, String database, Duration timeout) {
    /**
     * Alerts that describe the schema rather than the cluster's health: the suite's one-bucket test type always
     * raises {@code single-bucket-types} (seen on 26.8.1), which says nothing about replication.
     */
    static final Set<String> SCHEMA_ALERTS = Set.of("single-bucket-types");

    /** One look at every node for the invariants; {@link #problems()} is empty when all hold. */
    record Look(ClusterOps.Views views, Node leader, List<String> problems) {
        @Override
        public String toString() {
            return problems.isEmpty() ? "all invariants hold: " + views : String.join("; ", problems) + " (" + views + ")";
        }
    }

    /**
     * Waits until the invariants hold {@code after} a step ("after the failover"): every node answers; all name one
     * leader, which says so itself, and no other node claims to lead; every node's {@code raftState} is RUNNING and none
     * raises a cluster alert, where the version has them; the leader's configuration holds exactly the expected peers;
     * the leader reports every follower HEALTHY. Then the leader's verify must find every peer's files equal to its own.
     * Returns the leader.
     */
    public Node await(String after) {
        boolean fields = cluster.version(timeout).reportsReplicaStatus();
        Look look = Wait.until("the cluster invariants " + after + " (one agreed leader, Raft running, no alerts, every peer "
                + "in the leader's configuration and HEALTHY)", Wait.HTTP_POLL, timeout, () -> look(fields, true), l -> l.problems().isEmpty());
        verifyDatabase(look.leader(), after);
        return look.leader();
    }

    /**
     * The check between the steps of a disruption: every node answers, all name one leader that says so itself, and the
     * leader's configuration still holds every node (a peer that left is named in the failure). Followers may still be
     * catching up. Returns the leader.
     */
    public Node awaitMembership(String after) {
        boolean fields = cluster.version(timeout).reportsReplicaStatus();
        return Wait.until("every node to answer and name one leader whose configuration holds all " + target.nodes().size()
                + " peers " + after, Wait.HTTP_POLL, timeout, () -> look(fields, false), l -> l.problems().isEmpty()).leader();
    }

    private Look look(boolean fields, boolean strict) {
        ClusterOps.Views views = cluster.views();
        List<String> problems = new ArrayList<>();
        for (ClusterOps.View v : views.all()) {
            if (!v.answered()) {
                problems.add(v.node().name() + " does not answer (" + v.error() + ")");
                continue;
            }
            ClusterStatus s = v.status();
            if (!strict) {
                continue;
            }
            if (s.raftState() != null && !"RUNNING".equals(s.raftState())) {
                problems.add(v.node().name() + " has raftState " + s.raftState() + ", expected RUNNING");
            }
            if (s.alerts() != null) {
                for (ClusterStatus.Alert a : s.alerts()) {
                    if (!SCHEMA_ALERTS.contains(a.id())) {
                        problems.add(v.node().name() + " raises alert " + a.id() + " (" + a.severity() + "): " + a.title());
                    }
                }
            }
        }
        String id = views.agreedLeaderId();
        if (id == null) {
            problems.add("the nodes do not name one leader");
            return new Look(views, null, problems);
        }
        Node leader = target.nodeOfPeer(id);
        for (ClusterOps.View v : views.all()) {
            if (v.answered() && v.status().leader() != v.node().equals(leader)) {
                problems.add(v.node().name() + (v.status().leader() ? " also claims to lead" : " is named leader but does not say so"));
            }
        }
        if (fields && problems.isEmpty()) {
            problems.addAll(configurationProblems(leader, views.of(leader).status(), strict));
        }
        return new Look(views, leader, problems);
    }

    /**
     * The leader's {@code peers[]} is its static server list, but only members of its live Raft configuration carry
     * the replication fields (matchIndex and the rest): a peer removed with DELETE /api/v1/cluster/peer stays listed
     * without them (seen on 26.8.1). So the expected followers must each carry them and be HEALTHY, and no other
     * listed peer may carry them.
     */
    private List<String> configurationProblems(Node leader, ClusterStatus status, boolean healthy) {
        List<String> problems = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (Node node : target.nodes()) {
            if (node.equals(leader)) {
                continue;
            }
            String peerId = target.peerIdOf(node);
            expected.add(peerId);
            ClusterStatus.Peer peer = status.peer(peerId).orElse(null);
            if (peer == null || peer.matchIndex() == null) {
                problems.add("the leader " + leader.name() + "'s configuration lacks " + node.name() + " (" + peerId + "): the peer left");
            } else if (healthy && !ClusterOps.healthy(peer)) {
                problems.add("the leader " + leader.name() + " reports " + node.name() + " " + peer.health());
            }
        }
        for (ClusterStatus.Peer peer : status.peerList()) {
            if (!peer.isLeaderRole() && peer.matchIndex() != null && !expected.contains(peer.id())
                    && !peer.id().equals(target.peerIdOf(leader))) {
                problems.add("the leader " + leader.name() + "'s configuration holds " + peer.id() + ", which is not one of the nodes");
            }
        }
        return problems;
    }

    /**
     * POST /api/v1/cluster/verify/{db} on the leader (reference §4.4): every other node must be CONSISTENT with the
     * leader's files; a failure names each node whose files differ and the files. The leader fans out to every peer of
     * its server list, which after a scale-down still names the removed ordinals (they answer "Connection refused":
     * seen on 26.8.1), so peers that are not nodes of the cluster now are reported, not judged. Skipped, with a line,
     * when the test database does not exist.
     */
    void verifyDatabase(Node leader, String after) {
        ArcadeClient client = target.client(leader);
        if (!client.databaseExists(database)) {
            Log.step("no database '%s' to verify %s", database, after);
            return;
        }
        List<String> gone = new ArrayList<>();
        for (ClusterStatus.Peer peer : client.cluster().peerList()) {
            if (target.nodes().stream().noneMatch(n -> target.peerIdOf(n).equals(peer.id()))) {
                gone.add(peer.id());
            }
        }
        if (!gone.isEmpty()) {
            // Seen twice on 26.8.1: a leader that verified while its server list still named stopped peers answered
            // no write for minutes afterwards, which would fail every later phase for the check's sake.
            Log.step("database verify skipped %s: the leader's server list still names peers that are no longer nodes %s, "
                    + "and a 26.8.1 leader that verifies against them stops answering writes", after, gone);
            return;
        }
        VerifyResult result;
        try {
            result = client.verify(database);
        } catch (ArcadeClient.NodeUnreachableException e) {
            throw new PhaseFailure("expected the leader " + leader.name() + " to answer POST /api/v1/cluster/verify/" + database + " "
                    + after + ", saw no answer (" + e.getMessage() + "); the leader verifies by calling every peer's HTTP address, "
                    + "so a wrong peer address makes it wait on itself");
        }
        Map<String, Node> expected = new LinkedHashMap<>();
        for (Node node : target.nodes()) {
            if (!node.equals(leader)) {
                expected.put(target.peerIdOf(node), node);
            }
        }
        List<String> bad = new ArrayList<>();
        List<String> notMembers = new ArrayList<>();
        for (VerifyResult.PeerCheck peer : result.peers()) {
            Node node = expected.remove(peer.peerId());
            if (node == null) {
                notMembers.add(peer.peerId() + " " + peer.status());
            } else if (!peer.consistent()) {
                bad.add(node.name() + " " + peer.describe());
            }
        }
        expected.values().forEach(n -> bad.add(n.name() + " not verified (absent from the leader's answer)"));
        if (!bad.isEmpty()) {
            throw new PhaseFailure("expected the leader " + leader.name() + "'s verify of database '" + database + "' " + after
                    + " to find every node's files equal to its own, saw " + String.join("; ", bad)
                    + " (overallStatus " + result.overallStatus() + ")");
        }
        Log.step("the leader %s verified database '%s' %s: every node's files match its own%s", leader.name(), database, after,
                notMembers.isEmpty() ? "" : " (not judged, no longer nodes of the cluster: " + String.join(", ", notMembers) + ")");
    }
}
