///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase rolling-restart: restart every node gracefully, one at a time, under write load; every peer stays a member and no acknowledged row is lost.
package ha.scripts;

import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseSkipped;
import ha.nemesis.RestartEachInTurn;
import ha.run.Cli;
import ha.run.DisruptivePhase;
import ha.run.PhaseContext;
import picocli.CommandLine.Command;

@Command(name = "ha-rolling-restart", description = {HaRollingRestart.PURPOSE, "",
            "A rolling restart with persistent state, as `kubectl rollout restart statefulset` does it: one node at a time, "
                + "highest ordinal first, each stopped gracefully (SIGTERM and the pod's grace period; locally SIGTERM and up "
                + "to 60 s) and back ready before the next, while a background writer keeps inserting (by default through the "
                + "ready nodes the chart's client Service routes to: --write-via). After every step every node answers, they "
                + "name one leader, and the leader's configuration still holds all N peers (a peer that left is named). At the "
                + "end the cluster invariants hold and the checker finds every acknowledged row on every node. Skipped when "
                + "nodes do not keep their state across a restart (install with --set persistence.enabled=true)."})
public class HaRollingRestart extends DisruptivePhase<RestartEachInTurn> {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaRollingRestart(), args));
    }

    static final String PURPOSE = "restart every node gracefully, one at a time, under write load; every peer stays a member "
            + "and no acknowledged row is lost";

    public HaRollingRestart() {
        super(RestartEachInTurn.NODES_NEEDED, "rolling", "after the rolling restart");
    }

    @Override
    protected void checkApplicable(PhaseContext ctx) {
        if (!ctx.target().keepsStateOnRestart()) {
            throw new PhaseSkipped("nodes lose their state on restart (no persistent volumes); install with --set persistence.enabled=true");
        }
    }

    /** After each node is back: every node answers and the leader's configuration still holds them all. */
    @Override
    protected RestartEachInTurn newFault(PhaseContext ctx) {
        return new RestartEachInTurn((node, took) -> {
            Node leader = ctx.invariants().awaitMembership("after restarting " + node.name());
            ctx.figure("step " + node.name(), Log.seconds(took) + ", leader " + leader.name());
        });
    }
}
