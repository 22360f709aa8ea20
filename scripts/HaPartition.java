///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase partition: cut the leader off from the majority, both ways, under a steady write load; the majority elects a leader and acknowledges writes, and after the heal every node converges with no acknowledged write lost.
package ha.scripts;

import ha.core.Log;
import ha.core.Node;
import ha.nemesis.Fault;
import ha.nemesis.FaultContext;
import ha.nemesis.Partition;
import ha.run.Cli;
import ha.run.DisruptivePhase;
import ha.run.PhaseContext;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ha-partition", description = {HaPartition.PURPOSE, "",
            "A background writer inserts numbered rows (--write-via says where); the leader (--minority follower: one "
                + "follower) is cut off from all the other nodes, both directions, open connections included, for at least "
                + "--cut-for (past the election timeout): locally by nftables rules on loopback addresses of each (from, to) "
                + "pair (needs root and nft), on Kubernetes by a Chaos Mesh NetworkChaos (needs its CRD); without them the phase "
                + "is skipped with the reason. Meanwhile the majority elects a leader in a new term (the old one stays when a "
                + "follower is cut off) and acknowledges writes; whatever the cut-off node acknowledged is judged by the checker "
                + "like any other write. After the heal every node names one leader and holds the same rows, the checker finds "
                + "nothing lost, unexpected or duplicated, and the leader's verify finds every node consistent. Figures: time to "
                + "the new leader, time to converge after the heal, writes per side."})
public class HaPartition extends DisruptivePhase<Partition> {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaPartition(), args));
    }

    static final String PURPOSE = "cut the leader off from the majority, both ways, under a steady write load; the majority elects a "
            + "leader and acknowledges writes, and after the heal every node converges with no acknowledged write lost";
    static final int MAJORITY_WRITES = 5; // sent straight to the majority's leader while the cut holds

    @Option(names = "--minority", paramLabel = "WHO", description = "Who is cut off: leader (default) or follower (the highest-ordinal one).")
    String minority = "leader";

    @Option(names = "--cut-for", paramLabel = "DURATION", converter = ha.core.Durations.class,
            description = "The shortest time the cut holds (default: 15s, past the 5-10 s election timeout).")
    Duration cutFor = Partition.MINIMUM_CUT;

    public HaPartition() {
        super(Partition.NODES_NEEDED, "partition", "after the partition healed");
    }

    /** The same phase cutting off {@code who} (leader or follower) for at least {@code cut} (tests). */
    public HaPartition shape(String who, Duration cut) {
        this.minority = who;
        this.cutFor = cut;
        return this;
    }

    @Override
    public boolean cutsTheNetwork() {
        return true;
    }

    @Override
    protected void checkApplicable(PhaseContext ctx) {
        Partition.minorityNamed(minority);
        skipIf(ctx.target().whyNoCut());
    }

    @Override
    protected Partition newFault(PhaseContext ctx) {
        return Partition.isolating(Partition.minorityNamed(minority), cutFor);
    }

    /** The majority has a leader (a new term's when the leader was cut off) that acknowledges writes. */
    @Override
    protected void whileApplied(PhaseContext ctx, FaultContext fc) {
        Node leader;
        if (fault().pick() == Fault.Pick.LEADER) {
            leader = ctx.awaitNewTermLeader("the majority " + fault().majority(), fault().majority(), fc.before(),
                    "elected by the majority during the cut");
            ctx.figure("time to new leader", Log.seconds(fault().sinceApplied()));
        } else {
            leader = ctx.awaitLeader("the majority " + fault().majority() + " during the cut", fault().majority());
            ctx.figure("majority leader", leader.name() + (leader.equals(fc.leader()) ? " (unchanged)" : " (new)"));
        }
        IntStream.rangeClosed(1, MAJORITY_WRITES)
                .forEach(i -> ctx.insertAcknowledged(leader, String.format("%s-partition-majority-%02d", ctx.runId(), i)));
        Log.step("the majority's leader %s acknowledged %d of %d writes sent to it during the cut", leader.name(), MAJORITY_WRITES, MAJORITY_WRITES);
        ctx.figure("cut-off node's own view", ctx.cluster().views(List.of(fault().isolated())).of(fault().isolated()).belief());
    }

    /** Every node holds the same rows of this run again: the time from the heal to that is a figure; so are writes per side. */
    @Override
    protected void afterHeal(PhaseContext ctx, FaultContext fc) {
        ctx.figure("converged after heal", ctx.awaitSameRowCounts("every node to hold the same number of rows of this run after the heal")
                ? Log.seconds(fault().sinceHeal()) : "not within " + Log.seconds(ctx.timeout()) + " (the checker below says which rows differ)");
        fault().writesDuringTheCut(ctx.history(), ctx.phase(), ctx::figure);
    }
}
