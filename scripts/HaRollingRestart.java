///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase rolling-restart: restart every node one at a time under write load; no acknowledged row is lost.
package ha.scripts;

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
import ha.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-rolling-restart", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = "Rolling restart with persistent state: restarts every node one at a time, highest ordinal first as a "
                + "StatefulSet rolling update does (on Kubernetes by deleting the pod, which keeps its volume claims), while a "
                + "background writer keeps inserting. After each step the cluster has a leader again; at the end every follower "
                + "is HEALTHY, no acknowledged row is lost and every node holds the same number of rows. Skipped when nodes do "
                + "not keep their state across a restart (install with --set persistence.enabled=true).")
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
        return "restart every node in turn under write load; leader after each step, no acknowledged row lost";
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

        try (BackgroundWriter writer = new BackgroundWriter(target, ctx.rows(), ctx.runId() + "-rolling", name(), WRITE_INTERVAL, MAX_ROWS)) {
            writer.awaitMoreAcknowledged(3, ctx.timeout());
            List<Node> nodes = new ArrayList<>(target.nodes());
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node node = nodes.get(i);
                String incarnation = target.incarnation(node);
                Log.step("restarting %s", node);
                target.deleteNode(node, false);
                target.awaitReplacement(node, incarnation, ctx.timeout());
                Node now = cluster.awaitLeader("the cluster to have a leader again after restarting " + node, ctx.timeout());
                Log.step("leader after restarting %s: %s", node, now);
            }
            writer.awaitMoreAcknowledged(3, ctx.timeout());
            writer.stop();
            Set<String> acknowledged = writer.acknowledged();
            ctx.figure("writes acknowledged", acknowledged.size());
            ctx.figure("writes not acknowledged", writer.unacknowledged().size());

            leader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
            if (cluster.version(ctx.timeout()).reportsReplicaStatus()) {
                cluster.awaitFollowersHealthy(leader, ctx.timeout());
            }
            ctx.rows().awaitOnEveryNode(acknowledged, ctx.timeout());
            Map<String, Integer> counts = Wait.until("every node to hold the same number of rows", Wait.HTTP_POLL, ctx.timeout(),
                    () -> rowCounts(ctx), c -> c.values().stream().distinct().count() == 1);
            ctx.figure("rows per node", counts.values().iterator().next());
        }
    }

    private static Map<String, Integer> rowCounts(PhaseContext ctx) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Node node : ctx.target().nodes()) {
            counts.put(node.name(), ctx.rows().markerList(node).size());
        }
        return counts;
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaRollingRestart(), args));
    }
}
