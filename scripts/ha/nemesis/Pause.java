package ha.nemesis;

import ha.core.Durations;
import ha.core.Log;
import ha.core.Node;
import ha.core.UsageException;
import ha.core.Wait;
import java.time.Duration;
import java.util.Map;

/**
 * A node frozen as a long GC pause or a stalled VM freezes it: SIGSTOP of its server process (it keeps its sockets,
 * its memory and its belief that it leads, but runs no code), held for {@link #bound()}, then SIGCONT. Jepsen's and
 * ArcadeDB's own LongPause fault. Records "paused" and "resumed" with their times; healed once the process runs again.
 */
public final class Pause extends OneNodeFault {
    /** Others can elect a leader while one node is frozen only with 3 or more nodes. */
    public static final int NODES_NEEDED = OneNodeFault.NODES_NEEDED;
    /** ArcadeDB's Raft election timeout keys (reference: arcadedb-ha-api.md, Raft timings). */
    public static final String ELECTION_TIMEOUT_MAX = "arcadedb.ha.electionTimeoutMax";
    /** Their default since 26.5.1: 10 s. */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofSeconds(10);

    private final Duration bound;
    private long pausedMillis = -1;
    private long resumedMillis = -1;

    private Pause(Pick pick, Duration bound) {
        super(pick);
        this.bound = bound;
    }

    /** Freezes the picked node for {@code bound}. */
    public static Pause of(Pick pick, Duration bound) {
        return new Pause(pick, bound);
    }

    /** The leader frozen for {@code pauseFor}, by default {@link #boundFor}; a given one must exceed the election timeout. */
    public static Pause ofLeader(Duration pauseFor, Map<String, String> settings) {
        Duration electionTimeout = electionTimeoutMax(settings);
        if (pauseFor != null && pauseFor.compareTo(electionTimeout) <= 0) {
            throw new UsageException("--pause-for " + Log.seconds(pauseFor) + " must be longer than the election timeout "
                    + ELECTION_TIMEOUT_MAX + " = " + Log.seconds(electionTimeout));
        }
        return new Pause(Pick.LEADER, pauseFor != null ? pauseFor : boundFor(settings));
    }

    /**
     * How long a pause must last to be "longer than the election timeout": twice the largest election timeout the
     * cluster was started with ({@code arcadedb.ha.electionTimeoutMax}, in ms or as a duration; 10 s when unset), so
     * that the others surely stop hearing the frozen leader and elect another within it.
     */
    public static Duration boundFor(Map<String, String> settings) {
        return electionTimeoutMax(settings).multipliedBy(2);
    }

    /** The cluster's {@code arcadedb.ha.electionTimeoutMax}, or its default. Throws {@link UsageException} when unreadable. */
    public static Duration electionTimeoutMax(Map<String, String> settings) {
        String v = settings.get(ELECTION_TIMEOUT_MAX);
        if (v == null || v.isBlank()) {
            return DEFAULT_ELECTION_TIMEOUT_MAX;
        }
        try {
            return v.strip().matches("\\d+") ? Duration.ofMillis(Long.parseLong(v.strip())) : Durations.parse(v.strip());
        } catch (RuntimeException e) {
            throw new UsageException(ELECTION_TIMEOUT_MAX + " must be milliseconds or a duration such as 10s, saw '" + v + "'");
        }
    }

    @Override
    public String name() {
        return "pause " + pick() + " for " + Log.seconds(bound) + " (SIGSTOP, then SIGCONT)";
    }

    @Override
    public void apply(FaultContext ctx) {
        Node node = pickNode(ctx);
        markApplied();
        pausedMillis = System.currentTimeMillis();
        ctx.event("paused", node, (pick() == Pick.LEADER ? "the leader, " : "") + "frozen (SIGSTOP) for " + Log.seconds(bound));
        ctx.target().freeze(node);
    }

    /** Holds the pause until {@link #bound()} has passed since it began, then resumes the process. */
    @Override
    public void heal(FaultContext ctx) {
        Wait.until("the pause of " + node() + " to last " + Log.seconds(bound), Duration.ofMillis(100), bound.plusSeconds(5),
                this::sinceApplied, since -> since.compareTo(bound) >= 0);
        resume(ctx);
    }

    /** Resumes the process now (also when the phase gives up early); harmless when already resumed. */
    public void resume(FaultContext ctx) {
        if (node() == null || resumedMillis >= 0) {
            return;
        }
        ctx.target().thaw(node());
        resumedMillis = System.currentTimeMillis();
        ctx.event("resumed", node(), "resumed (SIGCONT) after " + Log.seconds(sinceApplied()));
    }

    public Duration bound() {
        return bound;
    }

    public long pausedMillis() {
        return pausedMillis;
    }

    /** When the process was resumed (epoch millis), -1 before. */
    public long resumedMillis() {
        return resumedMillis;
    }

    /** "+3.2 s after the pause, 12.0 s before the resume": a moment relative to both ends of the pause. */
    public String relative(long atMillis) {
        StringBuilder sb = new StringBuilder(secs(atMillis - pausedMillis)).append(" after the pause");
        if (resumedMillis >= 0) {
            long d = atMillis - resumedMillis;
            sb.append(", ").append(secs(Math.abs(d))).append(d < 0 ? " before" : " after").append(" the resume");
        }
        return sb.toString();
    }

    private static String secs(long millis) {
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
