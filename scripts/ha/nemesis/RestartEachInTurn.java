package ha.nemesis;

import ha.core.Log;
import ha.core.Node;
import ha.target.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rolling restart as {@code kubectl rollout restart statefulset} does it: one node at a time, highest ordinal first,
 * each stopped gracefully (SIGTERM and its grace period) and back ready as a new incarnation before the next. After each
 * step {@link Step#after} runs (the phase's check between steps). Each step heals itself, so {@link #heal} has nothing
 * left to do.
 */
public final class RestartEachInTurn extends TimedFault {
    /** Restarting one node at a time keeps a Raft majority only with 3 or more nodes. */
    public static final int NODES_NEEDED = 3;

    /** What the phase checks after each node is back. */
    @FunctionalInterface
    public interface Step {
        void after(Node restarted, Duration took);
    }

    private final Step step;

    public RestartEachInTurn(Step step) {
        super(NODES_NEEDED);
        this.step = step;
    }

    @Override
    public String name() {
        return "restart every node gracefully in turn";
    }

    @Override
    public void apply(FaultContext ctx) {
        Target target = ctx.target();
        List<Node> nodes = new ArrayList<>(target.nodes());
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            String incarnation = target.incarnation(node);
            Log.step("restarting %s gracefully (%d of %d)", node, nodes.size() - i, nodes.size());
            long t0 = System.nanoTime();
            ctx.event("stopped", node, "graceful restart");
            target.restartGracefully(node);
            ctx.awaitReplacement(node, incarnation);
            ctx.event("ready-again", node, "back and ready after a graceful restart");
            step.after(node, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    @Override
    public void heal(FaultContext ctx) {
        // every step brought its node back already
    }
}
