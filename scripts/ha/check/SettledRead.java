package ha.check;

import ha.core.Log;
import ha.core.Node;
import ha.core.Wait;
import ha.target.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * What every node holds once the cluster has settled after a disruption, read for the {@link Checker}: every node
 * answers, one agreed leader, followers HEALTHY where reported, one applied Raft index everywhere, and every node's rows
 * unchanged over {@link #STABLE_POLLS} polls.
 */
public final class SettledRead {
    private static final Duration SETTLE_POLL = Duration.ofMillis(500);
    static final int STABLE_POLLS = 3;

    private SettledRead() {
    }

    /** One poll of the settling read. */
    private record Poll(ClusterOps.Views views, String leaderName, String health, boolean followersHealthy,
                        Map<String, List<String>> markers, Map<String, String> unread, Map<String, Long> applied, int stableFor) {
        boolean settled() {
            return views.all().stream().allMatch(ClusterOps.View::answered) && leaderName != null
                    && followersHealthy && unread.isEmpty() && caughtUp() && stableFor >= STABLE_POLLS;
        }

        /**
         * Every node has applied the same Raft index (where the server reports it). HEALTHY alone is not enough: it
         * allows a lag of up to arcadedb.ha.replicationLagWarning entries, and on 26.8.1 a restarted follower stayed
         * HEALTHY for seconds while it lacked rows it applied later.
         */
        boolean caughtUp() {
            return applied.values().stream().filter(java.util.Objects::nonNull).distinct().count() <= 1;
        }

        @Override
        public String toString() {
            Map<String, Object> sizes = new TreeMap<>();
            markers.forEach((n, m) -> sizes.put(n, m.size()));
            unread.forEach(sizes::put);
            return views + ", leader " + (leaderName == null ? "not agreed" : leaderName) + ", followers " + health
                    + ", rows " + sizes + ", applied index " + applied + ", unchanged for " + stableFor + " poll"
                    + (stableFor == 1 ? "" : "s");
        }
    }

    /**
     * Polls (through {@link Wait}) until the cluster has settled: every node answers, all name the same
     * leader, the leader reports every follower HEALTHY where the version reports replicaStatus, every node
     * reports the same applied Raft index with its read (X-ArcadeDB-Commit-Index), and every node's marker
     * list is unchanged over 3 consecutive polls. Then reads every node once more and checks
     * {@code history.ops()} whose marker {@code inScope} accepts (rows of earlier phases are then expected),
     * explained by the events of {@code phase}. If not settled by the deadline it still checks with the last
     * reads and says so in the message, with what was last seen; a node never read counts as holding no
     * rows. Stop the writers first, or the marker lists never settle. Never throws for data problems.
     */
    public static Checker.Verdict awaitSettledAndCheck(Target target, ClusterOps cluster, Rows rows, History history, String phase,
                                               Predicate<String> inScope, Duration timeout) {
        return awaitSettled(target, cluster, rows, phase, timeout).check(history, phase, inScope);
    }

    /**
     * What every node held once the cluster settled (or at the deadline), to be checked for one scope of rows or more:
     * {@code unread} names the nodes judged by an earlier read or as holding nothing, {@code note} says when it did not
     * settle.
     */
    public record Settled(Map<String, List<String>> held, Map<String, String> unread, String note) {
        /** The checker's verdict over the rows {@code inScope} accepts, explained by the events of {@code phase}. */
        public Checker.Verdict check(History history, String phase, Predicate<String> inScope) {
            List<History.Op> ops = history.ops().stream().filter(o -> inScope.test(o.marker())).toList();
            Checker.Verdict verdict = Checker.check(ops, held, inScope, history.events(phase));
            if (!unread.isEmpty()) {
                List<String> parts = new ArrayList<>();
                unread.forEach((n, why) -> parts.add(n + " " + why));
                verdict = verdict.withNote(String.join("; ", parts));
            }
            return note == null ? verdict : verdict.withNote(note);
        }

        /** The nodes that do not hold {@code marker}, in node order. */
        public List<String> lacking(String marker) {
            return held.entrySet().stream().filter(e -> !e.getValue().contains(marker)).map(Map.Entry::getKey).toList();
        }
    }

    /** The settling half of {@link #awaitSettledAndCheck}: polls until settled (or the deadline), then reads every node. */
    public static Settled awaitSettled(Target target, ClusterOps cluster, Rows rows, String phase, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean replicaStatus;
        try {
            replicaStatus = cluster.version(timeout).reportsReplicaStatus();
        } catch (RuntimeException e) {
            replicaStatus = false;
        }
        boolean withHealth = replicaStatus;
        Map<String, List<String>> lastRead = new TreeMap<>();
        AtomicReference<Poll> previous = new AtomicReference<>();
        String note = null;
        try {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Wait.until("the cluster to settle (one leader, followers healthy, one applied index, every node's rows unchanged over "
                            + STABLE_POLLS + " polls) before checking " + phase, SETTLE_POLL, left,
                    () -> {
                        Poll p = poll(target, cluster, rows, withHealth, previous.get(), lastRead);
                        previous.set(p);
                        return p;
                    }, Poll::settled);
        } catch (Wait.WaitTimeoutException e) {
            note = "the cluster did not settle within " + Log.seconds(timeout) + "; last seen: "
                    + (previous.get() == null ? e.lastSeen() : previous.get());
        }
        Map<String, List<String>> held = new TreeMap<>();
        Map<String, String> unread = new TreeMap<>();
        for (Node node : target.nodes()) {
            try {
                held.put(node.name(), rows.markerList(node));
            } catch (RuntimeException e) {
                List<String> last = lastRead.get(node.name());
                if (last != null) {
                    held.put(node.name(), last);
                    unread.put(node.name(), "not readable now (" + e.getMessage() + "), judged by its last read");
                } else {
                    held.put(node.name(), List.of());
                    unread.put(node.name(), "never readable (" + e.getMessage() + "), counted as holding no rows");
                }
            }
        }
        return new Settled(held, unread, note);
    }

    private static Poll poll(Target target, ClusterOps cluster, Rows rows, boolean withHealth, Poll previous,
                             Map<String, List<String>> lastRead) {
        ClusterOps.Views views = cluster.views();
        String leaderName = null;
        String health = "not read";
        boolean healthy = false;
        String id = views.agreedLeaderId();
        if (id != null) {
            try {
                Node leader = target.nodeOfPeer(id);
                if (views.of(leader).status().leader()) {
                    leaderName = leader.name();
                    if (withHealth) {
                        ClusterOps.FollowerHealth h = cluster.followerHealth(leader);
                        health = h.toString();
                        healthy = h.all(ClusterOps::healthy);
                    } else {
                        health = "not reported by this version";
                        healthy = true;
                    }
                }
            } catch (RuntimeException e) {
                health = "unreadable (" + e.getMessage() + ")";
            }
        }
        Map<String, List<String>> markers = new TreeMap<>();
        Map<String, String> unread = new TreeMap<>();
        Map<String, Long> applied = new TreeMap<>();
        for (Node node : target.nodes()) {
            try {
                Rows.MarkerRead read = rows.markerRead(node);
                applied.put(node.name(), read.appliedIndex());
                List<String> list = new ArrayList<>(read.markers());
                Collections.sort(list);
                markers.put(node.name(), list);
                lastRead.put(node.name(), list);
            } catch (RuntimeException e) {
                unread.put(node.name(), "unreadable");
            }
        }
        int stable = previous != null && previous.unread().isEmpty() && unread.isEmpty()
                && previous.markers().equals(markers) ? previous.stableFor() + 1 : 1;
        return new Poll(views, leaderName, health, healthy, markers, unread, applied, stable);
    }
}
