package ha.nemesis;

import ha.core.Log;
import ha.core.Node;
import java.time.Duration;

/**
 * A node removed as a crash removes it, and brought back as a StatefulSet brings it back: a pod deleted with grace
 * period 0 (locally kill -9 and a new process at once), with its state (volumes, data folder) deleted too when
 * {@link #wiping}. Healed when its replacement is ready.
 */
public final class Crash extends TimedFault {
    /** A crash keeps a Raft majority only with 3 or more nodes. */
    public static final int NODES_NEEDED = 3;

    private final Pick pick;
    private final boolean wipe;
    private Node node;
    private String incarnation;

    private Crash(Pick pick, boolean wipe) {
        super(NODES_NEEDED);
        this.pick = pick;
        this.wipe = wipe;
    }

    /** Crashes the picked node; it comes back with its state. */
    public static Crash of(Pick pick) {
        return new Crash(pick, false);
    }

    /** Crashes the picked node and deletes its state; it comes back empty. */
    public static Crash wiping(Pick pick) {
        return new Crash(pick, true);
    }

    @Override
    public String name() {
        return (wipe ? "crash " + pick + " and delete its state" : "crash " + pick);
    }

    @Override
    public void apply(FaultContext ctx) {
        node = pick.in(ctx);
        incarnation = ctx.target().incarnation(node);
        Log.step("%s: %s%s (no grace)", name(), node, wipe ? " and its state" : "");
        markApplied();
        ctx.event(wipe ? "wiped" : "killed", node, wipe ? "killed with its state deleted" : (pick == Pick.LEADER ? "the leader, " : "") + "as a crash");
        ctx.target().deleteNode(node, wipe);
    }

    @Override
    public void heal(FaultContext ctx) {
        ctx.target().awaitReplacement(node, incarnation, ctx.timeout());
        ctx.event("ready-again", node, "back and ready as a new incarnation");
    }

    /** The node the fault crashed (after {@link #apply}). */
    public Node node() {
        return node;
    }

    /** Its incarnation before the crash. */
    public String incarnationBefore() {
        return incarnation;
    }

}
