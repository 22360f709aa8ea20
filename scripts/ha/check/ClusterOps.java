package ha.check;

import ha.client.ClusterStatus;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseFailure;
import ha.core.ServerVersion;
import ha.core.Wait;
import ha.target.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Cluster-level verbs shared by the phases: ask every node what it sees, wait for one agreed leader,
 * wait for the followers to be healthy. Every wait goes through {@link Wait}.
 */
public final class ClusterOps {
    private final Target target;
    private ServerVersion version;

    public ClusterOps(Target target) {
        this.target = target;
    }

    /** The server version, read once from the first node that answers (waits up to {@code timeout}). */
    public synchronized ServerVersion version(Duration timeout) {
        if (version == null) {
            version = Wait.until("a node to report its server version", Wait.HTTP_POLL, timeout, () -> {
                RuntimeException last = null;
                for (Node node : target.nodes()) {
                    try {
                        return target.client(node).serverVersion();
                    } catch (RuntimeException e) {
                        last = e;
                    }
                }
                throw last == null ? new IllegalStateException("no nodes") : last;
            }, Objects::nonNull);
            Log.step("server version %s", version);
        }
        return version;
    }

    /** What one node answered to GET /api/v1/cluster, or why it did not answer. */
    public record View(Node node, ClusterStatus status, String error) {
        public boolean answered() {
            return status != null;
        }

        /** What the node believes, in one line: whether it leads and whom it names, or why it did not answer. */
        public String belief() {
            return answered() ? "isLeader " + status.leader() + ", leaderId " + status.leaderId() : error;
        }
    }

    /** Every node's view of the cluster at one moment; prints as a short "what I saw" line. */
    public final class Views {
        private final List<View> views;

        Views(List<View> views) {
            this.views = views;
        }

        public List<View> all() {
            return views;
        }

        /** The one leader id every node names, or null when they do not agree (or one names none). */
        public String agreedLeaderId() {
            String id = null;
            for (View v : views) {
                if (!v.answered() || v.status().leaderId() == null) {
                    return null;
                }
                if (id == null) {
                    id = v.status().leaderId();
                } else if (!id.equals(v.status().leaderId())) {
                    return null;
                }
            }
            return id;
        }

        /**
         * The one leader id named by every node that answered, provided a majority answered (a node being
         * replaced may not); null otherwise.
         */
        public String agreedLeaderIdAmongAnswering() {
            List<View> answering = views.stream().filter(View::answered).toList();
            if (answering.size() * 2 <= views.size()) {
                return null;
            }
            String id = answering.get(0).status().leaderId();
            boolean same = answering.stream().allMatch(v -> java.util.Objects.equals(id, v.status().leaderId()));
            return same ? id : null;
        }

        public View of(Node node) {
            return views.stream().filter(v -> v.node().equals(node)).findFirst().orElseThrow();
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            for (View v : views) {
                if (!v.answered()) {
                    parts.add(v.node() + ": " + v.error());
                    continue;
                }
                ClusterStatus s = v.status();
                StringBuilder sb = new StringBuilder(v.node().name()).append(": leaderId=").append(shortId(s.leaderId()));
                if (s.leader()) {
                    sb.append(" (isLeader").append(s.leaderReady() == null ? "" : ", leaderReady=" + s.leaderReady()).append(')');
                }
                parts.add(sb.toString());
            }
            return "{" + String.join("; ", parts) + "}";
        }
    }

    /** Asks every node for GET /api/v1/cluster; nodes that fail are recorded with their error. */
    public Views views() {
        return views(target.nodes());
    }

    /**
     * As {@link #views()} for some of the nodes. Inside a wait each node has the wait's request share to answer
     * ({@link Wait#requestTimeout}), so one that never answers costs one poll.
     */
    public Views views(List<Node> nodes) {
        List<View> out = new ArrayList<>();
        for (Node node : nodes) {
            try {
                out.add(new View(node, target.client(node).cluster(), null));
            } catch (RuntimeException e) {
                out.add(new View(node, null, e.getMessage()));
            }
        }
        return new Views(out);
    }

    /** A peer id shortened to its node name where it maps to one ("test-arcadedb-1"). */
    public String shortId(String peerId) {
        if (peerId == null) {
            return "null";
        }
        try {
            return target.nodeOfPeer(peerId).name();
        } catch (RuntimeException e) {
            return peerId;
        }
    }

    /**
     * Waits until every node names the same non-null leader, that leader is one of the nodes and says
     * so itself, and (where the version has the field) reports {@code leaderReady}. Returns the leader.
     * On a timeout the failure quotes the HA plugin error of every node whose log has one.
     */
    public Node awaitLeader(String description, Duration timeout) {
        return awaitLeader(description, timeout, null);
    }

    /**
     * How a leader wait is named: "{@code who} to name the same leader"; a {@code who} with an aside ends with its
     * closing comma ("every node, the woken one too,").
     */
    public static String oneLeader(String who) {
        return who + " to name the same leader";
    }

    /** What {@link #awaitLeader(Duration)} waits for, as a failure names it. */
    public static final String ONE_LEADER = oneLeader("every node");

    /** {@link #awaitLeader(String, Duration)} for {@link #ONE_LEADER}. */
    public Node awaitLeader(Duration timeout) {
        return awaitLeader(ONE_LEADER, timeout, null);
    }

    /** As {@link #awaitLeader(String, Duration)} among some of the nodes ({@code null}: all of them). */
    public Node awaitLeader(String description, Duration timeout, List<Node> among) {
        boolean readyField = version(timeout).reportsLeaderReady();
        Views agreed;
        try {
            agreed = awaitAgreedLeader(description, timeout, among, readyField);
        } catch (Wait.WaitTimeoutException e) {
            throw ServerLogs.explain(target, e);
        }
        return target.nodeOfPeer(agreedLeaderOrFail(agreed));
    }

    private Views awaitAgreedLeader(String description, Duration timeout, List<Node> among, boolean readyField) {
        return Wait.until(description, Wait.HTTP_POLL, timeout, () -> views(among == null ? target.nodes() : among),
                v -> Elections.agreedLeader(target, v, readyField) != null);
    }

    private static String agreedLeaderOrFail(Views v) {
        String id = v.agreedLeaderId();
        if (id == null) {
            throw new PhaseFailure("expected every node to name one leader, saw " + v);
        }
        return id;
    }

    /** The leader's view of its followers' health, keyed by follower node. */
    public record FollowerHealth(Map<Node, ClusterStatus.Peer> followers, List<String> missing) {
        public boolean all(Predicate<ClusterStatus.Peer> test) {
            return missing.isEmpty() && followers.values().stream().allMatch(test);
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            followers.forEach((n, p) -> parts.add(n.name() + "=" + p.health()));
            missing.forEach(m -> parts.add(m + "=not in the leader's peers[]"));
            return "{" + String.join(", ", parts) + "}";
        }
    }

    /** Reads the leader's peers[] and maps each follower entry to its node; entries are found by id. */
    public FollowerHealth followerHealth(Node leader) {
        ClusterStatus status = target.client(leader).cluster();
        if (!status.leader()) {
            throw new IllegalStateException(leader + " is no longer the leader (it names " + shortId(status.leaderId()) + ")");
        }
        Map<Node, ClusterStatus.Peer> followers = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Node node : target.nodes()) {
            if (node.equals(leader)) {
                continue;
            }
            String id = target.peerIdOf(node);
            status.peer(id).ifPresentOrElse(p -> followers.put(node, p), () -> missing.add(node.name()));
        }
        return new FollowerHealth(followers, missing);
    }

    /**
     * Waits until the leader reports every follower HEALTHY and not lagging. UNKNOWN (right after a leader
     * change) and CATCHING_UP are passing states; at the deadline the failure names each follower and its
     * lag. The lag check matters because the status is refreshed only every 5 s while the lag is live.
     */
    public FollowerHealth awaitFollowersHealthy(Node leader, Duration timeout) {
        return Wait.until("the leader " + leader + " to report every follower HEALTHY", Wait.HTTP_POLL, timeout,
                () -> followerHealth(leader), h -> h.all(ClusterOps::healthy));
    }

    /** HEALTHY, and not above the replication-lag warning threshold. */
    /** Waits for the leader to report {@code follower} HEALTHY and not lagging. */
    public FollowerHealth awaitFollowerHealthy(Node leader, Node follower, Duration timeout) {
        return Wait.until("the leader " + leader + " to report " + follower + " HEALTHY", Wait.HTTP_POLL, timeout,
                () -> followerHealth(leader), health -> {
                    ClusterStatus.Peer peer = health.followers().get(follower);
                    return peer != null && healthy(peer);
                });
    }

    public static boolean healthy(ClusterStatus.Peer peer) {
        return "HEALTHY".equals(peer.replicaStatus()) && !Boolean.TRUE.equals(peer.lagging());
    }
}
