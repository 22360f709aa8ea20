///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase scale-up: grow the cluster (--scale-to, default 5 nodes); the new peers join and hold the existing rows.
package ha.scripts;

import ha.core.Log;
import ha.core.Node;
import ha.nemesis.FaultContext;
import ha.nemesis.ScaleOut;
import ha.run.Cli;
import ha.run.CommonOptions;
import ha.run.DisruptivePhase;
import ha.run.PhaseContext;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ha-scale-up", description = {HaScaleUp.PURPOSE, "",
            "Scales the cluster up (helm upgrade --reuse-values --set replicaCount=N on Kubernetes): the new peers join (on "
                + "their own on 26.8.1+ in Kubernetes, through POST /api/v1/cluster/peer on older servers and for local "
                + "processes), every node names the same leader, every follower is HEALTHY and the rows written before the "
                + "upgrade are readable on the new nodes. Afterwards the extra peers are removed and the cluster scaled back, "
                + "unless --keep-scaled. Skipped on fewer than 3 nodes."})
public class HaScaleUp extends DisruptivePhase<ScaleOut> {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaScaleUp(), args));
    }

    static final String PURPOSE = "grow the cluster (--scale-to, default 5 nodes); the new peers join and hold the existing rows";

    @Option(names = "--scale-to", paramLabel = "N", description = "Nodes to grow the cluster to (default: ${DEFAULT-VALUE}).")
    int to = 5;

    @Option(names = "--keep-scaled", description = "Stay at --scale-to nodes afterwards instead of scaling back down.")
    boolean keep;

    @Option(names = "--to", paramLabel = "N", hidden = true, description = "Deprecated: --scale-to.")
    void deprecatedTo(int nodes) {
        to = Cli.deprecated("--to", "--scale-to", nodes);
    }

    @Option(names = "--keep", hidden = true, description = "Deprecated: --keep-scaled.")
    void deprecatedKeep(boolean keepScaled) {
        keep = Cli.deprecated("--keep", "--keep-scaled", keepScaled);
    }

    private Set<String> rowsBefore;

    public HaScaleUp() {
        super(ScaleOut.NODES_NEEDED, null, null);
    }

    /** The same phase growing to {@code replicas}, staying there when {@code keepScaled} (the driver, tests). */
    public HaScaleUp scaling(int replicas, boolean keepScaled) {
        this.to = replicas;
        this.keep = keepScaled;
        return this;
    }

    /** With --target local the size is known before any server starts; on Kubernetes the phase finds out from the release. */
    @Override
    public void checkUsage(CommonOptions options) {
        if (options.target == CommonOptions.TargetKind.local) {
            ScaleOut.checkGrows(to, options.local.nodes);
        }
    }

    public int scaleTo() {
        return to;
    }

    public boolean keepsScaled() {
        return keep;
    }

    /** A row written before the upgrade, which the new nodes must hold. */
    @Override
    protected void prepare(PhaseContext ctx, Node leader) {
        ctx.insertAcknowledged(leader, ctx.runId() + "-before-scale-up");
        rowsBefore = ctx.rows().markers(leader);
    }

    @Override
    protected ScaleOut newFault(PhaseContext ctx) {
        return new ScaleOut(to, keep);
    }

    @Override
    protected String after() {
        return keep ? "after scaling up to " + to + " nodes" : "after scaling back";
    }

    /** All nodes name one leader, the followers are HEALTHY, the old rows are on the new nodes; the writes and invariants hold. */
    @Override
    protected void whileApplied(PhaseContext ctx, FaultContext fc) {
        Node leader = ctx.awaitLeader("all " + to + " nodes");
        if (ctx.version().reportsReplicaStatus()) {
            ctx.awaitFollowersHealthy(leader);
        }
        ctx.awaitOnEveryNode(rowsBefore);
        ctx.figure("join time", Log.seconds(fault().sinceApplied()));
        failIfAny(judgeWrites(ctx));
        ctx.invariants().await("after scaling up to " + to + " nodes");
    }

    @Override
    protected void afterHeal(PhaseContext ctx, FaultContext fc) {
        if (!keep) {
            ctx.awaitLeader("the " + fault().before().size() + " remaining nodes");
        }
    }
}
