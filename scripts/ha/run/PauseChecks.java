package ha.run;

import com.fasterxml.jackson.databind.JsonNode;
import ha.check.ClusterOps;
import ha.check.History;
import ha.check.Rows;
import ha.client.ClusterStatus;
import ha.core.Node;
import ha.nemesis.Pause;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the pause phase judges about the woken node: its linearizable reads after the resume (stale when they lack a row
 * the cluster had acknowledged before the read was sent), and the writes it acknowledged after the others had elected a
 * new leader and before it was seen following that leader.
 */
public final class PauseChecks {
    /** Stale reads and reads without an answer, collected while the woken node is watched. */
    private final List<String> stale = new ArrayList<>();
    private int answered;
    private int unanswered;
    private String firstStatus;

    /**
     * One linearizable read of every marker on {@code node}; stale when it lacks a marker of this run acknowledged (by
     * any node) before the read was sent and not already reported lost. A read without an answer is counted, not judged.
     */
    public void read(PhaseContext ctx, Node node, Pause pause) {
        long sent = System.currentTimeMillis();
        Set<String> expected = acknowledgedBefore(ctx, sent);
        List<JsonNode> rows;
        try {
            rows = ctx.target().client(node).query(ctx.rows().database(), "SELECT marker FROM " + Rows.TYPE, Map.of(), "linearizable", null);
        } catch (RuntimeException e) {
            unanswered++;
            return;
        }
        answered++;
        Set<String> seen = new LinkedHashSet<>();
        rows.forEach(r -> seen.add(r.path("marker").asText()));
        List<String> missing = Rows.missing(expected, seen);
        if (!missing.isEmpty() && stale.size() < 5) {
            stale.add("a linearizable read sent " + pause.relative(sent) + " lacked " + missing.size() + " of " + expected.size()
                    + " rows acknowledged before it, e.g. " + missing.subList(0, Math.min(3, missing.size())));
        }
    }

    /**
     * Waits until the woken node says it follows {@code leader} (not leader itself, leaderId the new leader's), reading
     * it linearizably at every poll and once more after; returns when it was seen following (epoch millis).
     */
    public long awaitFollowing(PhaseContext ctx, Pause pause, Node leader) {
        Node woken = pause.node();
        String leaderId = ctx.target().peerIdOf(leader);
        ctx.until(woken + " to follow " + leader + " after the resume", () -> {
            ClusterStatus s = ctx.target().client(woken).cluster();
            status(ctx.cluster(), s);
            read(ctx, woken, pause);
            return s;
        }, s -> !s.leader() && leaderId.equals(s.leaderId()));
        long followed = System.currentTimeMillis();
        read(ctx, woken, pause);
        return followed;
    }

    /** Notes the woken node's first answer to GET /api/v1/cluster after the resume, as a figure of what it believed. */
    public void status(ClusterOps cluster, ClusterStatus s) {
        if (firstStatus == null && s != null) {
            firstStatus = (s.leader() ? "isLeader" : "follower") + ", leaderId " + cluster.shortId(s.leaderId());
        }
    }

    public String firstStatus() {
        return firstStatus == null ? "no answer" : firstStatus;
    }

    public String reads() {
        return answered + " answered (" + stale.size() + " stale), " + unanswered + " without an answer";
    }

    /** The failure for stale reads, or null. */
    public String staleFailure(Node node) {
        return stale.isEmpty() ? null : "STALE READ on " + node + " after the resume: " + String.join("; ", stale);
    }

    /**
     * Writes {@code node} acknowledged with an answer at or after {@code electedMillis} that were sent before
     * {@code followedMillis}, when it may still have acted on its old leadership. On real 26.8.1 servers such writes
     * were forwarded to the new leader once the woken node had stepped down and are held by every node, so only those
     * the cluster does not hold ({@code notHeld}: the checker's lost and missing rows) are failures; each is named with
     * its times relative to the pause and the resume.
     */
    public record DeposedAcks(int acknowledged, List<String> notHeld) {
        /** The failure message, or null when every such write is held. */
        public String failure(Node node) {
            return notHeld.isEmpty() ? null : "ACKNOWLEDGED BY THE DEPOSED LEADER: " + node + " acknowledged " + notHeld.size()
                    + " write" + (notHeld.size() == 1 ? "" : "s") + " after the new leader's election, before it followed it, "
                    + "that the cluster does not hold: " + String.join(", ", notHeld.subList(0, Math.min(5, notHeld.size())));
        }
    }

    public static DeposedAcks deposedAcks(History history, String phase, Node node, long electedMillis, long followedMillis,
                                          Pause pause, Set<String> notHeldByCluster) {
        List<String> notHeld = new ArrayList<>();
        int count = 0;
        for (History.Op op : history.ops(phase)) {
            if (node.name().equals(op.node()) && op.outcome() == History.Outcome.ACKNOWLEDGED
                    && op.answeredMillis() >= electedMillis && op.sentMillis() < followedMillis) {
                count++;
                if (notHeldByCluster.contains(op.marker())) {
                    notHeld.add(op.marker() + " (sent " + pause.relative(op.sentMillis()) + ", acknowledged " + pause.relative(op.answeredMillis()) + ")");
                }
            }
        }
        return new DeposedAcks(count, notHeld);
    }

    /**
     * Once the writes are judged (the checker's lost and missing rows are in the run state): the deposed leader's
     * writes the cluster does not hold and the stale reads, as one failure message, or null; records the figure.
     */
    public String verdict(PhaseContext ctx, Pause pause, long electedMillis, long followedMillis) {
        DeposedAcks acks = deposedAcks(ctx.history(), ctx.phase(), pause.node(), electedMillis, followedMillis, pause, ctx.state().reported());
        ctx.figure("writes the woken node acknowledged before it followed", acks.acknowledged() + " (" + acks.notHeld().size()
                + " not held by the cluster)");
        String deposed = acks.failure(pause.node());
        String stale = staleFailure(pause.node());
        return deposed == null ? stale : stale == null ? deposed : deposed + "; " + stale;
    }

    private static Set<String> acknowledgedBefore(PhaseContext ctx, long millis) {
        Set<String> reported = ctx.state().reported();
        Set<String> out = new LinkedHashSet<>();
        for (History.Op op : ctx.history().ops()) {
            if (op.outcome() == History.Outcome.ACKNOWLEDGED && op.answeredMillis() < millis && op.marker().startsWith(ctx.runId())
                    && !reported.contains(op.marker())) {
                out.add(op.marker());
            }
        }
        return out;
    }
}
