///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase failover: kill the leader as a crash under a steady write load; a leader is elected in a new term and no acknowledged write is lost.
package ha.scripts;

import ha.core.Log;
import ha.core.Node;
import ha.nemesis.Crash;
import ha.nemesis.Fault;
import ha.nemesis.FaultContext;
import ha.run.Cli;
import ha.run.DisruptivePhase;
import ha.run.PhaseContext;
import picocli.CommandLine.Command;

@Command(name = "ha-failover", description = {HaFailover.PURPOSE, "",
            "A background writer inserts numbered rows (by default through the ready nodes the chart's client Service "
                + "routes to: --write-via) and the run's history records each attempt; the leader is killed as a crash (pod "
                + "deleted with grace 0, kill -9 locally) and comes back at once, as a StatefulSet brings it back; the "
                + "survivors elect a leader in a new term (their electionCount grows, and the leader is new or a new "
                + "incarnation) within --timeout, and writes are acknowledged again. The election time, the elected node and "
                + "whether it is the restarted one are reported. Then the cluster invariants hold and the checker finds every "
                + "acknowledged row on every node, none unexpected or twice."})
public class HaFailover extends DisruptivePhase<Crash> {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaFailover(), args));
    }

    static final String PURPOSE = "kill the leader as a crash under a steady write load; a leader is elected in a new term and "
            + "no acknowledged write is lost";

    public HaFailover() {
        super(Crash.NODES_NEEDED, "failover", "after the failover");
    }

    @Override
    protected Crash newFault(PhaseContext ctx) {
        return Crash.of(Fault.Pick.LEADER);
    }

    /** The survivors elect a leader of a new term: the election time, who won, and the term are figures. */
    @Override
    protected void whileApplied(PhaseContext ctx, FaultContext fc) {
        Node leader = ctx.awaitNewTermLeader("the survivors", ctx.target().nodes(), fc.before(), "elected after the kill");
        ctx.figure("election time", Log.seconds(fault().sinceApplied()));
        ctx.figure("restarted node re-elected", leader.equals(fault().node()) ? "yes" : "no");
    }

    @Override
    protected void afterHeal(PhaseContext ctx, FaultContext fc) {
        ctx.awaitLeader("every node, the restarted one too,");
    }
}
