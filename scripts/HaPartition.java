///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase partition: cut the leader off from the majority, both ways, under a steady write load; the majority elects a leader and acknowledges writes, and after the heal every node converges with no acknowledged write lost.
package ha.scripts;

import ha.check.ClusterOps;
import ha.check.Elections;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseSkipped;
import ha.core.Wait;
import ha.nemesis.Fault;
import ha.nemesis.FaultContext;
import ha.nemesis.Partition;
import ha.run.Cli;
import ha.run.DisruptivePhase;
import ha.run.PhaseContext;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ha-partition", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = {HaPartition.PURPOSE, "",
            "A background writer inserts numbered rows (--write-via says where); the leader (--minority follower: one "
                + "follower) is cut off from all the other nodes, both directions, open connections included, for at least "
                + "--cut-for (past the election timeout): locally by nftables rules on loopback addresses of each (from, to) "
                + "pair (needs root and nft), on Kubernetes by a Chaos Mesh NetworkChaos (needs its CRD); without them the phase "
                + "is skipped with the reason. Meanwhile the majority elects a leader in a new term (the old one stays when a "
                + "follower is cut off) and acknowledges writes; whatever the cut-off node acknowledged is judged by the checker "
                + "like any other write. After the heal every node names one leader and holds the same rows, the checker finds "
                + "nothing lost, unexpected or duplicated, and the leader's verify finds every node consistent. Figures: time to "
                + "the new leader, time to converge after the heal, writes per side."})
public class HaPartition extends DisruptivePhase {
    static final String PURPOSE = "cut the leader off from the majority, both ways, under a steady write load; the majority elects a "
            + "leader and acknowledges writes, and after the heal every node converges with no acknowledged write lost";
    /** Writes sent straight to the majority's leader while the cut holds. */
    static final int MAJORITY_WRITES = 5;

    @Option(names = "--minority", paramLabel = "WHO", description = "Who is cut off: leader (default) or follower (the highest-ordinal one).")
    String minority = "leader";

    @Option(names = "--cut-for", paramLabel = "DURATION", converter = ha.core.Durations.class,
            description = "The shortest time the cut holds (default: 15s, past the 5-10 s election timeout).")
    Duration cutFor = Partition.MINIMUM_CUT;

    private Partition partition;

    public HaPartition() {
        super(Partition.NODES_NEEDED);
    }

    /** The same phase with the follower shape (tests). */
    public HaPartition minority(String who) {
        this.minority = who;
        return this;
    }

    /** The same phase with a shorter or longer cut (tests). */
    public HaPartition cutFor(Duration d) {
        this.cutFor = d;
        return this;
    }

    @Override
    public boolean cutsTheNetwork() {
        return true;
    }

    private Fault.Pick pick() {
        return switch (minority) {
            case "leader" -> Fault.Pick.LEADER;
            case "follower" -> Fault.Pick.LAST_FOLLOWER;
            default -> throw new ha.core.UsageException("--minority must be leader or follower, saw '" + minority + "'");
        };
    }

    @Override
    protected void checkApplicable(PhaseContext ctx) {
        pick();
        String why = ctx.target().whyNoCut();
        if (why != null) {
            throw new PhaseSkipped(why);
        }
    }

    @Override
    protected Fault fault(PhaseContext ctx) {
        partition = Partition.isolating(pick(), cutFor);
        return partition;
    }

    @Override
    protected String writer() {
        return "partition";
    }

    @Override
    protected String after() {
        return "after the partition healed";
    }

    /** The majority has a leader (a new term's when the leader was cut off) that acknowledges writes. */
    @Override
    protected void whileApplied(PhaseContext ctx, FaultContext fault) {
        Node leader;
        if (partition.minority() == Fault.Pick.LEADER) {
            ClusterOps.Views elected = Wait.until("the majority " + names(partition.majority()) + " to agree on a leader elected in a new term",
                    Wait.HTTP_POLL, ctx.timeout(), () -> ctx.cluster().views(partition.majority()),
                    views -> Elections.newTermLeader(ctx.target(), views, fault.before()) != null);
            leader = Elections.newTermLeader(ctx.target(), elected, fault.before());
            ctx.event("became-leader", leader, "elected by the majority during the cut");
            ctx.figure("time to new leader", Log.seconds(partition.sinceCut()));
            ctx.figure("new leader", leader.name());
        } else {
            leader = ctx.cluster().awaitLeader("the majority " + names(partition.majority()) + " to name one leader during the cut",
                    ctx.timeout(), partition.majority());
            ctx.figure("majority leader", leader.name() + (leader.equals(fault.leader()) ? " (unchanged)" : " (new)"));
        }
        for (int i = 1; i <= MAJORITY_WRITES; i++) {
            ctx.insertAcknowledged(leader, String.format("%s-partition-majority-%02d", ctx.runId(), i));
        }
        Log.step("the majority's leader %s acknowledged %d of %d writes sent to it during the cut", leader.name(), MAJORITY_WRITES, MAJORITY_WRITES);
        ClusterOps.View cutOff = ctx.cluster().views(List.of(partition.isolated())).of(partition.isolated());
        ctx.figure("cut-off node's own view", cutOff.answered()
                ? "isLeader " + cutOff.status().leader() + ", leaderId " + cutOff.status().leaderId() : cutOff.error());
    }

    /** Every node holds the same rows of this run again: the time from the heal to that is a figure; so are writes per side. */
    @Override
    protected void afterHeal(PhaseContext ctx, FaultContext fault) {
        try {
            Wait.until("every node to hold the same number of rows of this run after the heal", Wait.HTTP_POLL, ctx.timeout(),
                    () -> ctx.target().nodes().stream().map(n -> ctx.rows().markers(n).stream().filter(m -> m.startsWith(ctx.runId())).count())
                            .toList(),
                    counts -> Set.copyOf(counts).size() == 1);
            ctx.figure("converged after heal", Log.seconds(partition.sinceHeal()));
        } catch (Wait.WaitTimeoutException e) {
            ctx.figure("converged after heal", "not within " + Log.seconds(ctx.timeout()) + " (the checker below says which rows differ)");
        }
        int cutOffAcked = partition.writesDuringTheCut(ctx.history(), ctx.phase(), (k, v) -> ctx.figure(k, v));
        if (cutOffAcked > 0) {
            Log.step("the cut-off node acknowledged %d write%s during the cut: the checker judges each like any other",
                    cutOffAcked, cutOffAcked == 1 ? "" : "s");
        }
    }

    private static String names(List<Node> nodes) {
        return nodes.stream().map(Node::name).toList().toString();
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaPartition(), args));
    }
}
