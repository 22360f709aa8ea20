///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase scale-up: grow the cluster (default 3 -> 5), the new peers join, old rows are readable on them.
package ha.scripts;

import ha.ArcadeHttpException;
import ha.ClusterOps;
import ha.AfterDisruption;
import ha.Cli;
import ha.CommonOptions;
import ha.Log;
import ha.Node;
import ha.PeerIds;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseRunner;
import ha.ServerVersion;
import ha.Target;
import ha.UsageException;
import ha.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ha-scale-up", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = "Scales the cluster up (helm upgrade --reuse-values --set replicaCount=N on Kubernetes): the new peers "
                + "join (on their own on 26.8.1+, through POST /api/v1/cluster/peer on older servers), every node names the same "
                + "leader, every follower is HEALTHY and the rows written before the upgrade are readable on the new nodes. "
                + "Afterwards the extra peers are removed and the cluster scaled back, unless --keep-scaled.")
public class HaScaleUp implements Phase, Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--scale-to", paramLabel = "N", description = "Nodes to grow the cluster to (default: ${DEFAULT-VALUE}).")
    int to = 5;

    @Option(names = "--keep-scaled", description = "Stay at --scale-to nodes afterwards instead of scaling back down.")
    boolean keep;

    @Option(names = "--to", paramLabel = "N", hidden = true, description = "Deprecated: --scale-to.")
    void deprecatedTo(int nodes) {
        Log.error("warning: --to is deprecated; use --scale-to (the driver's name for it too)");
        this.to = nodes;
    }

    @Option(names = "--keep", hidden = true, description = "Deprecated: --keep-scaled.")
    void deprecatedKeep(boolean keepScaled) {
        Log.error("warning: --keep is deprecated; use --keep-scaled (the driver's name for it too)");
        this.keep = keepScaled;
    }

    public HaScaleUp to(int replicas) {
        this.to = replicas;
        return this;
    }

    public HaScaleUp keep(boolean keepScaled) {
        this.keep = keepScaled;
        return this;
    }

    @Override
    public String name() {
        return "scale-up";
    }

    @Override
    public String summary() {
        return "scale up to " + to + " nodes; the new peers join and hold the existing rows";
    }

    @Override
    public void run(PhaseContext ctx) {
        Target target = ctx.target();
        ClusterOps cluster = ctx.cluster();
        List<Node> before = target.nodes();
        if (to <= before.size()) {
            throw new UsageException("--scale-to " + to + " does not grow the cluster: it has " + before.size() + " nodes");
        }
        ServerVersion version = cluster.version(ctx.timeout());
        Node leader = cluster.awaitLeader("every node to name the same leader", ctx.timeout());
        ctx.rows().ensureSchema(leader, ctx.timeout());
        ctx.rows().insertAcknowledged(leader, ctx.runId() + "-before-scale-up", name(), ctx.timeout());
        Set<String> rowsBefore = ctx.rows().markers(leader);

        long t0 = System.nanoTime();
        target.scaleTo(to, ctx.timeout());
        List<Node> added = target.nodes().subList(before.size(), to);
        if (!version.autoJoins()) {
            leader = cluster.awaitLeader("the original nodes to name the same leader", ctx.timeout(), before);
            for (Node node : added) {
                String id = target.peerIdOf(node);
                Log.step("server %s does not join on its own: adding %s through the leader %s", version, id, leader);
                Node through = leader;
                Wait.until("the leader " + leader + " to add peer " + node, Wait.HTTP_POLL, ctx.timeout(),
                        () -> target.client(through).addPeer(id, PeerIds.host(id) + ":" + PeerIds.raftPort(id)), answer -> true);
            }
        }
        leader = cluster.awaitLeader("all " + to + " nodes to name the same leader", ctx.timeout());
        if (version.reportsReplicaStatus()) {
            cluster.awaitFollowersHealthy(leader, ctx.timeout());
        }
        ctx.rows().awaitOnEveryNode(rowsBefore, ctx.timeout());
        ctx.figure("join time", Log.seconds(Duration.ofNanos(System.nanoTime() - t0)));
        AfterDisruption.judgeWrites(ctx);
        leader = AfterDisruption.awaitInvariants(ctx, "after scaling up to " + to + " nodes");

        if (!keep) {
            scaleBack(ctx, leader, before.size(), added);
        }
    }

    /** Removes the added peers from the Raft configuration first, then the nodes themselves. */
    private void scaleBack(PhaseContext ctx, Node leader, int replicas, List<Node> added) {
        for (int i = added.size() - 1; i >= 0; i--) {
            Node node = added.get(i);
            String id = ctx.target().peerIdOf(node);
            Wait.until("the leader " + leader + " to remove peer " + node + " from the Raft configuration", Wait.HTTP_POLL,
                    ctx.timeout(), () -> removePeer(ctx.target(), leader, id), removed -> removed);
        }
        ctx.target().scaleTo(replicas, ctx.timeout());
        ctx.cluster().awaitLeader("the " + replicas + " remaining nodes to name the same leader", ctx.timeout());
        AfterDisruption.awaitInvariants(ctx, "after scaling back to " + replicas + " nodes");
    }

    /** DELETE /api/v1/cluster/peer/{id}; "not found" (409) on a retry means an earlier attempt did it. */
    private static boolean removePeer(Target target, Node leader, String id) {
        try {
            target.client(leader).removePeer(id);
        } catch (ArcadeHttpException e) {
            if (e.status() != 409 || e.error() == null || !e.error().contains("not found")) {
                throw e;
            }
        }
        return true;
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaScaleUp(), args));
    }
}
