package ha;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every disruptive phase checks once its fault is over: the cluster invariants (one agreed leader, Raft
 * running, every expected peer in the leader's configuration and HEALTHY, the databases byte-identical), and the
 * verdict of the {@link Checker} over the run's write history, with the longest time no write was acknowledged.
 */
public final class AfterDisruption {
    /**
     * Alerts that describe the schema rather than the cluster's health: the suite's one-bucket test type always
     * raises {@code single-bucket-types} (seen on 26.8.1), which says nothing about replication.
     */
    static final Set<String> SCHEMA_ALERTS = Set.of("single-bucket-types");
    /** Key in {@link PhaseContext#shared()}: markers already reported lost or missing in this run. */
    static final String REPORTED = "checker.reported";

    private AfterDisruption() {
    }

    /** One look at every node for the invariants; {@link #problems()} is empty when all hold. */
    record Look(ClusterOps.Views views, Node leader, List<String> problems) {
        @Override
        public String toString() {
            return problems.isEmpty() ? "all invariants hold: " + views : String.join("; ", problems) + " (" + views + ")";
        }
    }

    /**
     * Waits (up to the phase's timeout) until the invariants hold {@code after} a step ("after the failover"):
     * every node answers; all name one leader, which says so itself, and no other node claims to lead; every node's
     * {@code raftState} is RUNNING and none raises a cluster alert, where the version has them; the leader's
     * configuration holds exactly the expected peers; the leader reports every follower HEALTHY. Then the leader's
     * {@code POST /api/v1/cluster/verify/{db}} must find every peer's files equal to its own. Returns the leader.
     */
    public static Node awaitInvariants(PhaseContext ctx, String after) {
        boolean fields = ctx.cluster().version(ctx.timeout()).reportsReplicaStatus();
        Look look = Wait.until("the cluster invariants " + after + " (one agreed leader, Raft running, no alerts, every peer "
                        + "in the leader's configuration and HEALTHY)", Wait.HTTP_POLL, ctx.timeout(),
                () -> look(ctx, fields, true), l -> l.problems().isEmpty());
        verifyDatabase(ctx, look.leader(), after);
        return look.leader();
    }

    /**
     * The check between the steps of a disruption: every node answers, all name one leader that says so itself, and
     * the leader's configuration still holds every node (a peer that left is named in the failure). Followers may
     * still be catching up. Returns the leader.
     */
    public static Node awaitMembership(PhaseContext ctx, String after) {
        boolean fields = ctx.cluster().version(ctx.timeout()).reportsReplicaStatus();
        return Wait.until("every node to answer and name one leader whose configuration holds all " + ctx.target().nodes().size()
                        + " peers " + after, Wait.HTTP_POLL, ctx.timeout(), () -> look(ctx, fields, false),
                l -> l.problems().isEmpty()).leader();
    }

    private static Look look(PhaseContext ctx, boolean fields, boolean strict) {
        Target target = ctx.target();
        ClusterOps.Views views = ctx.cluster().views();
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
            problems.addAll(configurationProblems(ctx, leader, views.of(leader).status(), strict));
        }
        return new Look(views, leader, problems);
    }

    /**
     * The leader's {@code peers[]} is its static server list, but only members of its live Raft configuration carry
     * the replication fields (matchIndex and the rest): a peer removed with DELETE /api/v1/cluster/peer stays listed
     * without them (seen on 26.8.1). So the expected followers must each carry them and be HEALTHY, and no other
     * listed peer may carry them.
     */
    private static List<String> configurationProblems(PhaseContext ctx, Node leader, ClusterStatus status, boolean healthy) {
        Target target = ctx.target();
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
    static void verifyDatabase(PhaseContext ctx, Node leader, String after) {
        Target target = ctx.target();
        String db = ctx.rows().database();
        ArcadeClient client = target.client(leader);
        if (!client.databaseExists(db)) {
            Log.step("no database '%s' to verify %s", db, after);
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
        JsonNode result;
        try {
            result = client.verify(db).path("result");
        } catch (ArcadeClient.NodeUnreachableException e) {
            throw new PhaseFailure("expected the leader " + leader.name() + " to answer POST /api/v1/cluster/verify/" + db + " " + after
                    + ", saw no answer (" + e.getMessage() + "); the leader verifies by calling every peer's HTTP address, so a "
                    + "wrong peer address makes it wait on itself");
        }
        Map<String, Node> expected = new java.util.LinkedHashMap<>();
        for (Node node : target.nodes()) {
            if (!node.equals(leader)) {
                expected.put(target.peerIdOf(node), node);
            }
        }
        List<String> bad = new ArrayList<>();
        List<String> notMembers = new ArrayList<>();
        for (JsonNode peer : result.path("peers")) {
            String id = peer.path("peerId").asText();
            String status = peer.path("status").asText();
            Node node = expected.remove(id);
            if (node == null) {
                notMembers.add(id + " " + status);
                continue;
            }
            if (!"CONSISTENT".equals(status)) {
                List<String> files = new ArrayList<>();
                peer.path("mismatches").forEach(m -> files.add(m.path("file").asText()));
                bad.add(node.name() + " " + status + (files.isEmpty() ? "" : " in " + String.join(", ", files))
                        + (peer.hasNonNull("error") ? " (" + peer.path("error").asText() + ")" : ""));
            }
        }
        expected.values().forEach(n -> bad.add(n.name() + " not verified (absent from the leader's answer)"));
        if (!bad.isEmpty()) {
            throw new PhaseFailure("expected the leader " + leader.name() + "'s verify of database '" + db + "' " + after
                    + " to find every node's files equal to its own, saw " + String.join("; ", bad)
                    + " (overallStatus " + result.path("overallStatus").asText("none") + ")");
        }
        Log.step("the leader %s verified database '%s' %s: every node's files match its own%s", leader.name(), db, after,
                notMembers.isEmpty() ? "" : " (not judged, no longer nodes of the cluster: " + String.join(", ", notMembers) + ")");
    }

    /**
     * Stops the writer, waits for the cluster to settle, and judges every write of this run (rows of earlier phases
     * included: they must still be there). Records the verdict's counts and the longest stretch without an
     * acknowledged write as figures; fails with the verdict (LOST / MISSING … first) when a row is lost, missing,
     * unexpected or duplicated, or when the stretch exceeds --max-unavailable.
     */
    public static Checker.Verdict judgeWrites(PhaseContext ctx, BackgroundWriter writer) {
        writer.stop();
        Duration gap = ctx.history().longestUnavailable(ctx.phase(), writer.startedMillis(), writer.stoppedMillis());
        ctx.figure("longest unavailable", Log.seconds(gap));
        Checker.Verdict verdict = judgeWrites(ctx);
        Duration limit = ctx.maxUnavailable();
        if (limit != null && gap.compareTo(limit) > 0) {
            throw new PhaseFailure("UNAVAILABLE for " + Log.seconds(gap) + ": no write was acknowledged for longer than --max-unavailable "
                    + Log.seconds(limit) + " (" + verdict.message() + ")");
        }
        return verdict;
    }

    /**
     * As {@link #judgeWrites(PhaseContext, BackgroundWriter)} for a phase that wrote without a background writer. Rows
     * an earlier phase of the run already reported lost or missing are not judged again (that phase failed for them);
     * the full lists of what this verdict finds go into the figures "lost rows" and "missing rows", so a reader of
     * report.json can check each one.
     */
    public static Checker.Verdict judgeWrites(PhaseContext ctx) {
        @SuppressWarnings("unchecked")
        Set<String> reported = (Set<String>) ctx.shared().computeIfAbsent(REPORTED, k -> new java.util.TreeSet<String>());
        if (!reported.isEmpty()) {
            Log.step("%d rows an earlier phase reported lost or missing are not judged again", reported.size());
        }
        Checker.Verdict verdict = Checker.awaitSettledAndCheck(ctx.target(), ctx.cluster(), ctx.rows(), ctx.history(), ctx.phase(),
                marker -> marker.startsWith(ctx.runId()) && !reported.contains(marker), ctx.timeout());
        ctx.figure("writes", verdict.counts());
        if (!verdict.lost().isEmpty()) {
            ctx.figure("lost rows", verdict.lost());
        }
        if (!verdict.missing().isEmpty()) {
            ctx.figure("missing rows", verdict.missing());
        }
        reported.addAll(verdict.lost());
        reported.addAll(verdict.missing().keySet());
        Log.step("%s", verdict.message());
        if (!verdict.ok()) {
            throw new PhaseFailure(verdict.message());
        }
        return verdict;
    }
}
