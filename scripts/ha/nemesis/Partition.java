package ha.nemesis;

import ha.check.History;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseSkipped;
import ha.core.UsageException;
import ha.core.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A network partition: one node (the leader, or with {@link Pick#LAST_FOLLOWER} a follower) cut off from all the
 * others, both directions, connections already open included; the suite still reaches every node. The target does the
 * cutting ({@link Target#cut}: nftables on loopback pair addresses locally, a Chaos Mesh NetworkChaos on Kubernetes).
 * Held at least {@link #MINIMUM_CUT} (past the 5-10 s election timeout) and as long as the phase checks what must happen
 * meanwhile; healed by lifting the cut, which returns once every node names one leader again.
 */
public final class Partition extends OneNodeFault {
    /** A cut of one node keeps a Raft majority only with 3 or more nodes. */
    public static final int NODES_NEEDED = OneNodeFault.NODES_NEEDED;
    /** The shortest cut: longer than ArcadeDB's election timeout (5-10 s) with room to spare. */
    public static final Duration MINIMUM_CUT = Duration.ofSeconds(15);

    private final Duration hold;
    private List<Node> majority = List.of();
    private long cutMillis = -1;
    private long healNanos;
    private long healMillis = -1;

    private Partition(Pick minority, Duration hold) {
        super(minority);
        this.hold = hold;
    }

    /** Cuts the picked node off from the rest for at least {@code hold} ({@link #MINIMUM_CUT} when null). */
    public static Partition isolating(Pick minority, Duration hold) {
        return new Partition(minority, hold == null ? MINIMUM_CUT : hold);
    }

    @Override
    public String name() {
        return "cut " + pick() + " off from the majority (both directions) for at least " + Log.seconds(hold);
    }

    @Override
    public void apply(FaultContext ctx) {
        String why = ctx.target().whyNoCut();
        if (why != null) {
            throw new PhaseSkipped(why);
        }
        Node isolated = pickNode(ctx);
        List<Node> rest = new ArrayList<>(ctx.target().nodes());
        rest.remove(isolated);
        majority = List.copyOf(rest);
        ctx.target().cut(List.of(isolated), majority);
        // from the moment the cut is in place: a write sent later cannot reach the other side
        markApplied();
        cutMillis = System.currentTimeMillis();
        ctx.event("partitioned", isolated, (pick() == Pick.LEADER ? "the leader, " : "a follower, ") + "cut off from "
                + majority.stream().map(Node::name).toList() + " both ways");
    }

    /** Lifts the cut once it has lasted {@link #hold}; returns when every node names one leader again. */
    @Override
    public void heal(FaultContext ctx) {
        Duration left = hold.minus(sinceApplied());
        if (!left.isNegative() && !left.isZero()) {
            Log.step("keeping the cut %s more (at least %s in all)", Log.seconds(left), Log.seconds(hold));
            Wait.until("the cut to last " + Log.seconds(hold), Wait.HTTP_POLL, left.plusSeconds(5), this::sinceApplied,
                    d -> d.compareTo(hold) >= 0);
        }
        Duration held = sinceApplied();
        healNanos = System.nanoTime();
        healMillis = System.currentTimeMillis();
        ctx.target().healNetwork();
        ctx.event("healed", isolated(), "cut lifted after " + Log.seconds(held));
        ctx.awaitLeader("after the heal, every node, " + isolated().name() + " too,", null);
    }

    /**
     * Figure "writes during the cut": of the writes {@code phase} sent while the cut was in place, how many each side
     * acknowledged of how many it was sent. Returns how many the cut-off node acknowledged.
     */
    public int writesDuringTheCut(History history, String phase, BiConsumer<String, Object> figure) {
        int[] sent = new int[2];
        int[] acked = new int[2];
        for (History.Op op : history.ops(phase)) {
            if (op.sentMillis() < cutMillis || op.sentMillis() >= healMillis) {
                continue;
            }
            int side = isolated().name().equals(op.node()) ? 1 : 0;
            sent[side]++;
            acked[side] += op.outcome() == History.Outcome.ACKNOWLEDGED ? 1 : 0;
        }
        figure.accept("writes during the cut", "majority " + acked[0] + " of " + sent[0] + " acknowledged, cut-off "
                + isolated().name() + " " + acked[1] + " of " + sent[1]);
        if (acked[1] > 0) {
            Log.step("the cut-off node acknowledged %d write%s during the cut: the checker judges each like any other",
                    acked[1], acked[1] == 1 ? "" : "s");
        }
        return acked[1];
    }

    /** The node an option names as the minority: {@code leader} or {@code follower} (the highest-ordinal one). */
    public static Pick minorityNamed(String who) {
        return switch (who) {
            case "leader" -> Pick.LEADER;
            case "follower" -> Pick.LAST_FOLLOWER;
            default -> throw new UsageException("--minority must be leader or follower, saw '" + who + "'");
        };
    }

    /** The node on the minority side. */
    public Node isolated() {
        return node();
    }

    /** The nodes on the majority side. */
    public List<Node> majority() {
        return majority;
    }

    /** Time since the heal. */
    public Duration sinceHeal() {
        return Duration.ofNanos(System.nanoTime() - healNanos);
    }

    /** When the cut was made (epoch millis). */
    public long cutMillis() {
        return cutMillis;
    }

    /** When it was lifted (epoch millis), -1 before. */
    public long healMillis() {
        return healMillis;
    }
}
