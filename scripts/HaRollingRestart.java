///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase rolling-restart: restart every node gracefully, one at a time, under write load; every peer stays a member and no acknowledged row is lost.
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
import ha.PhaseSkipped;
import ha.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-rolling-restart", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = "Rolling restart with persistent state, as `kubectl rollout restart statefulset` does it: one node at a "
                + "time, highest ordinal first, each stopped gracefully (SIGTERM and the pod's grace period; locally SIGTERM "
                + "and up to 60 s) and back ready before the next, while a background writer keeps inserting (by default through the "
                + "ready nodes the chart's client Service routes to: --write-via). After every "
                + "step every node answers, they name one leader, and the leader's configuration still holds all N peers "
                + "(a peer that left is named). At the end the cluster invariants hold and the checker finds every "
                + "acknowledged row on every node. Skipped when nodes do not keep their state across a restart (install "
                + "with --set persistence.enabled=true).")
public class HaRollingRestart implements Phase, Callable<Integer> {
    private static final Duration WRITE_INTERVAL = Duration.ofMillis(100);
    private static final int MAX_ROWS = 3000;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "rolling-restart";
    }

    @Override
    public String summary() {
        return "restart every node gracefully in turn under write load; all peers stay members, no acknowledged row lost";
    }

    @Override
    public void run(PhaseContext ctx) {
        Target target = ctx.target();
        ClusterOps cluster = ctx.cluster();
        if (!target.keepsStateOnRestart()) {
            throw new PhaseSkipped("nodes lose their state on restart (no persistent volumes); install with --set persistence.enabled=true");
        }
        Node leader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
        ctx.rows().ensureSchema(leader, ctx.timeout());

        try (BackgroundWriter writer = new BackgroundWriter(ctx, ctx.runId() + "-rolling", WRITE_INTERVAL, MAX_ROWS)) {
            writer.awaitMoreAcknowledged(3, ctx.timeout());
            List<Node> nodes = new ArrayList<>(target.nodes());
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node node = nodes.get(i);
                String incarnation = target.incarnation(node);
                Log.step("restarting %s gracefully (%d of %d)", node, nodes.size() - i, nodes.size());
                long t0 = System.nanoTime();
                ctx.event("stopped", node, "graceful restart");
                target.restartGracefully(node);
                target.awaitReplacement(node, incarnation, ctx.timeout());
                ctx.event("ready-again", node, "back and ready after a graceful restart");
                Node now = AfterDisruption.awaitMembership(ctx, "after restarting " + node.name());
                ctx.figure("step " + node.name(), Log.seconds(Duration.ofNanos(System.nanoTime() - t0)) + ", leader " + now.name());
            }
            writer.awaitMoreAcknowledged(3, ctx.timeout());
            AfterDisruption.judgeWrites(ctx, writer);
        }
        AfterDisruption.awaitInvariants(ctx, "after the rolling restart");
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaRollingRestart(), args));
    }
}
