///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase failover: kill the leader as a crash under a steady write load; a leader is elected in a new term and no acknowledged write is lost.
package ha.scripts;

import ha.AfterDisruption;
import ha.BackgroundWriter;
import ha.Cli;
import ha.ClusterOps;
import ha.CommonOptions;
import ha.Log;
import ha.Node;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseRunner;
import ha.Target;
import ha.Wait;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-failover", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = "Leader failover without losing an acknowledged write: a background writer inserts numbered rows "
                + "(by default to the ready nodes the chart's client Service routes to: --write-via) and the run's history records each "
                + "attempt; the "
                + "leader is killed as a crash (pod deleted with grace 0, kill -9 locally) and comes back at once, as a "
                + "StatefulSet brings it back; the survivors elect a leader in a new term (their electionCount grows, and "
                + "the leader is new or a new incarnation) within --timeout, and writes are acknowledged again. The "
                + "election time, the elected node and whether it is the restarted one are reported. Then the cluster "
                + "invariants hold and the checker finds every acknowledged row on every node, none unexpected or twice.")
public class HaFailover implements Phase, Callable<Integer> {
    private static final Duration WRITE_INTERVAL = Duration.ofMillis(100);
    private static final int MAX_ROWS = 3000;
    private static final int WRITES_BEFORE_AND_AFTER = 5;
    private static final Pattern TERM = Pattern.compile("Leader (?:elected|changed)[^\\n]*\\(term=(\\d+)\\)");

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "failover";
    }

    @Override
    public String summary() {
        return "kill the leader under write load; a leader is elected in a new term and no acknowledged write is lost";
    }

    @Override
    public void run(PhaseContext ctx) {
        Target target = ctx.target();
        ClusterOps cluster = ctx.cluster();
        Node oldLeader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
        ctx.rows().ensureSchema(oldLeader, ctx.timeout());

        try (BackgroundWriter writer = new BackgroundWriter(ctx, ctx.runId() + "-failover", WRITE_INTERVAL, MAX_ROWS)) {
            writer.awaitMoreAcknowledged(WRITES_BEFORE_AND_AFTER, ctx.timeout());
            Map<Node, Long> electionsBefore = electionCounts(cluster.views());
            Long termBefore = lastTerm(ctx, oldLeader);
            String incarnation = target.incarnation(oldLeader);
            Log.step("killing the leader %s (no grace), electionCount so far %s", oldLeader, electionsBefore);
            long t0 = System.nanoTime();
            ctx.event("killed", oldLeader, "the leader, as a crash");
            target.deleteNode(oldLeader, false);

            ClusterOps.Views elected = Wait.until("the survivors to agree on a leader elected in a new term", Wait.HTTP_POLL,
                    ctx.timeout(), cluster::views, views -> newTermLeader(target, views, oldLeader, incarnation, electionsBefore) != null);
            Node newLeader = newTermLeader(target, elected, oldLeader, incarnation, electionsBefore);
            Duration election = Duration.ofNanos(System.nanoTime() - t0);
            ctx.event("became-leader", newLeader, "elected after the kill");
            ctx.figure("election time", Log.seconds(election));
            ctx.figure("new leader", newLeader.name());
            ctx.figure("restarted node re-elected", newLeader.equals(oldLeader) ? "yes" : "no");
            Long termAfter = lastTerm(ctx, newLeader);
            if (termBefore != null && termAfter != null) {
                ctx.figure("term", termBefore + " -> " + termAfter);
            }

            target.awaitReplacement(oldLeader, incarnation, ctx.timeout());
            ctx.event("ready-again", oldLeader, "back and ready as a new incarnation");
            cluster.awaitLeader("every node, the restarted one too, to name the same leader", ctx.timeout());
            writer.awaitMoreAcknowledged(WRITES_BEFORE_AND_AFTER, ctx.timeout());
            AfterDisruption.judgeWrites(ctx, writer);
        }
        AfterDisruption.awaitInvariants(ctx, "after the failover");
    }

    /** Each node's electionCount as it answered (nodes that did not answer are left out). */
    private static Map<Node, Long> electionCounts(ClusterOps.Views views) {
        Map<Node, Long> counts = new LinkedHashMap<>();
        for (ClusterOps.View v : views.all()) {
            if (v.answered() && v.status().electionCount() != null) {
                counts.put(v.node(), v.status().electionCount());
            }
        }
        return counts;
    }

    /**
     * The leader of a new term, or null while there is none. A new term shows as: every survivor answers and names
     * the same leader; each survivor's electionCount grew since before the kill (it was told of a leader change;
     * unknown where the version lacks the field); and the leader itself says it leads (and is ready, where the
     * version reports it) from a process that holds the leadership now: another node, or the killed node's new
     * incarnation, which can only lead by winning an election after its restart (real 26.8.1 servers re-elected the
     * restarted leader in 4 of 4 runs).
     */
    private static Node newTermLeader(Target target, ClusterOps.Views views, Node oldLeader, String oldIncarnation,
                                      Map<Node, Long> electionsBefore) {
        List<ClusterOps.View> survivors = views.all().stream().filter(v -> !v.node().equals(oldLeader)).toList();
        String id = null;
        for (ClusterOps.View v : survivors) {
            if (!v.answered() || v.status().leaderId() == null || (id != null && !id.equals(v.status().leaderId()))) {
                return null;
            }
            id = v.status().leaderId();
            Long before = electionsBefore.get(v.node());
            Long now = v.status().electionCount();
            if (before != null && now != null && now <= before) {
                return null;
            }
        }
        if (id == null) {
            return null;
        }
        Node leader;
        try {
            leader = target.nodeOfPeer(id);
        } catch (RuntimeException notOurs) {
            return null;
        }
        ClusterOps.View own = views.of(leader);
        if (!own.answered() || !own.status().leader() || Boolean.FALSE.equals(own.status().leaderReady())) {
            return null;
        }
        if (leader.equals(oldLeader) && target.incarnation(oldLeader).equals(oldIncarnation)) {
            return null;
        }
        return leader;
    }

    /** The highest term in the node's log lines "Leader elected: … (term=N)" (reference §5.6), or null. */
    private static Long lastTerm(PhaseContext ctx, Node node) {
        try {
            String log = ctx.target().logs(node, false);
            Long term = null;
            Matcher m = TERM.matcher(log == null ? "" : log);
            while (m.find()) {
                long t = Long.parseLong(m.group(1));
                term = term == null ? t : Math.max(term, t);
            }
            return term;
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaFailover(), args));
    }
}
