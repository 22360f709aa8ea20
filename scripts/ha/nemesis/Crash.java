package ha.nemesis;

import ha.core.Log;
import ha.core.Node;

/**
 * A node removed as a crash removes it, and brought back as a StatefulSet brings it back: a pod deleted with grace
 * period 0 (locally kill -9 and a new process at once), with its state (volumes, data folder) deleted too when
 * {@link #wiping}. Healed when its replacement is ready.
 */
public final class Crash extends OneNodeFault {
    /** A crash keeps a Raft majority only with 3 or more nodes. */
    public static final int NODES_NEEDED = OneNodeFault.NODES_NEEDED;

    private final boolean wipe;
    private String incarnation;

    private Crash(Pick pick, boolean wipe) {
        super(pick);
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
        return (wipe ? "crash " + pick() + " and delete its state" : "crash " + pick());
    }

    @Override
    public void apply(FaultContext ctx) {
        Node node = pickNode(ctx);
        incarnation = ctx.target().incarnation(node);
        Log.step("%s: %s%s (no grace)", name(), node, wipe ? " and its state" : "");
        markApplied();
        ctx.event(wipe ? "wiped" : "killed", node, wipe ? "killed with its state deleted" : (pick() == Pick.LEADER ? "the leader, " : "") + "as a crash");
        ctx.target().deleteNode(node, wipe);
    }

    @Override
    public void heal(FaultContext ctx) {
        ctx.awaitReplacement(node(), incarnation);
        ctx.event("ready-again", node(), "back and ready as a new incarnation");
    }

    /** Its incarnation before the crash. */
    public String incarnationBefore() {
        return incarnation;
    }

}
