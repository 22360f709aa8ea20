package ha.run;

import ha.check.Checker;
import ha.check.SettledRead;
import ha.check.Verdicts;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseFailure;
import ha.core.PhaseSkipped;
import ha.nemesis.Fault;
import ha.nemesis.FaultContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one shape of every disruptive phase: wait for an agreed leader and the schema, prepare (optional), start the
 * background writer (when the phase writes under the fault), apply the fault, check what the phase expects while it is
 * in place, heal it, check what the phase expects afterwards, and then judge, as one result: the checker's verdict over
 * every write of the run, the availability bound, and the cluster invariants. A phase says only which fault and what
 * else it expects.
 */
public abstract class DisruptivePhase<F extends Fault> extends PhaseScript {
    /** Writes acknowledged before the fault and again after it, so the writer is seen to work on both sides. */
    protected static final int WRITES_AROUND_THE_FAULT = 5;

    private final String writer;
    private final String after;
    private F fault;

    /**
     * A phase whose fault needs at least {@code nodesNeeded} nodes (the fault type's NODES_NEEDED); {@code writer} is the
     * background writer's marker part ("failover"), or null when the phase writes nothing under the fault; {@code after}
     * ("after the failover") is how the invariants' failure names the moment.
     */
    protected DisruptivePhase(int nodesNeeded, String writer, String after) {
        super(nodesNeeded);
        this.writer = writer;
        this.after = after;
    }

    /** A new fault of this phase's kind, for this run. */
    protected abstract F newFault(PhaseContext ctx);

    /** The fault of this run, once {@link #newFault} made it (null before). */
    protected F fault() {
        return fault;
    }

    /** How the invariants' failure names the moment after the fault: the constructor's, unless a phase knows better. */
    protected String after() {
        return after;
    }

    /** Throws {@link PhaseSkipped} when the cluster cannot have this fault (by default it always can). */
    protected void checkApplicable(PhaseContext ctx) {
    }

    /** Runs before the writer starts and the fault is applied, with the agreed leader (by default nothing). */
    protected void prepare(PhaseContext ctx, Node leader) {
    }

    /** What must happen while the fault is in place (by default nothing). */
    protected void whileApplied(PhaseContext ctx, FaultContext fault) {
    }

    /** What must hold once the fault is healed (by default nothing). */
    protected void afterHeal(PhaseContext ctx, FaultContext fault) {
    }

    /**
     * What else the phase judges once the writes are judged (its writer stopped, the cluster settled): a failure
     * message, or null when it holds (by default nothing).
     */
    protected String judgeMore(PhaseContext ctx) {
        return null;
    }

    @Override
    public final void run(PhaseContext ctx) {
        checkApplicable(ctx);
        Node leader = ctx.awaitLeader();
        ctx.ensureSchema(leader);
        prepare(ctx, leader);
        fault = newFault(ctx);
        Verdicts verdicts = new Verdicts();
        if (writer == null) {
            FaultContext fc = ctx.faultContext(ctx.awaitLeader());
            disturb(ctx, fc);
            verdicts.add(judgeWrites(ctx)).add(judgeMore(ctx));
        } else {
            try (BackgroundWriter background = ctx.startWriter(writer)) {
                background.awaitMoreAcknowledged(WRITES_AROUND_THE_FAULT, ctx.timeout());
                FaultContext fc = ctx.faultContext(ctx.awaitLeader());
                disturb(ctx, fc);
                background.awaitMoreAcknowledged(WRITES_AROUND_THE_FAULT, ctx.timeout());
                background.stop();
                verdicts.add(judgeWrites(ctx)).add(availability(ctx, background)).add(judgeMore(ctx));
            }
        }
        verdicts.hear(() -> ctx.invariants().await(after()));
        verdicts.throwIfAnyFailed();
    }

    private void disturb(PhaseContext ctx, FaultContext fc) {
        Log.step("fault: %s", fault.name());
        fault.apply(fc);
        whileApplied(ctx, fc);
        fault.heal(fc);
        afterHeal(ctx, fc);
    }

    /** Skips the phase with {@code why}, unless it is null (the target can do what the phase needs). */
    protected static void skipIf(String why) {
        if (why != null) {
            throw new PhaseSkipped(why);
        }
    }

    /** Fails the phase with {@code message}, a verdict's text, unless it is null (nothing failed). */
    protected static void failIfAny(String message) {
        if (message != null) {
            throw new PhaseFailure(message);
        }
    }

    /**
     * The checker's verdict over every write of this run (rows of earlier phases included: they must still be there),
     * once the cluster has settled; rows an earlier phase already reported lost, missing or duplicated are not judged again, but read
     * again: a row whose lacking nodes changed since (a resync erased it from the nodes that held it, or it came back) is
     * named in a step line and in the figure "reported rows changed". Records the counts and, for a reader of report.json,
     * the full lists of lost and missing rows. Returns the verdict's message when a row is lost, missing, unexpected or
     * duplicated, else null.
     */
    protected static String judgeWrites(PhaseContext ctx) {
        Set<String> reported = ctx.state().reported();
        if (!reported.isEmpty()) {
            Log.step("%d rows an earlier phase reported lost or missing are not judged again", reported.size());
        }
        SettledRead.Settled settled = SettledRead.awaitSettled(ctx.target(), ctx.cluster(), ctx.rows(), ctx.phase(), ctx.timeout());
        Checker.Verdict verdict = settled.check(ctx.history(), ctx.phase(), marker -> marker.startsWith(ctx.runId()) && !reported.contains(marker));
        ctx.figure("writes", verdict.counts());
        if (!verdict.lost().isEmpty()) {
            ctx.figure("lost rows", verdict.lost());
        }
        if (!verdict.missing().isEmpty()) {
            ctx.figure("missing rows", verdict.missing());
        }
        if (!verdict.duplicated().isEmpty()) {
            ctx.figure("duplicated rows", verdict.duplicated());
        }
        Map<String, List<String>> changed = new TreeMap<>();
        for (String marker : reported) {
            List<String> before = ctx.state().lacking(marker);
            List<String> now = settled.lacking(marker);
            if (before == null || !new TreeSet<>(now).equals(new TreeSet<>(before))) {
                changed.put(marker, now);
                Log.step("row %s, reported earlier as lacking on %s, now lacks on %s", marker, before, now.isEmpty() ? "no node" : now);
            }
        }
        if (!changed.isEmpty()) {
            ctx.figure("reported rows changed", changed);
            ctx.state().reported(changed);
        }
        // every row this verdict reports, with the nodes that lack it by the same read the later phases compare with
        Map<String, List<String>> reportedNow = new TreeMap<>();
        verdict.lost().forEach(m -> reportedNow.put(m, settled.lacking(m)));
        verdict.missing().keySet().forEach(m -> reportedNow.put(m, settled.lacking(m)));
        verdict.duplicated().values().forEach(markers -> markers.forEach(m -> reportedNow.put(m, settled.lacking(m))));
        ctx.state().reported(reportedNow);
        Log.step("%s", verdict.message());
        return verdict.ok() ? null : verdict.message();
    }

    /**
     * The longest stretch in which no write of the writer was acknowledged, recorded as a figure; the failure when it
     * exceeds --max-unavailable, else null.
     */
    private static String availability(PhaseContext ctx, BackgroundWriter writer) {
        Duration gap = ctx.history().longestUnavailable(ctx.phase(), writer.startedMillis(), writer.stoppedMillis());
        ctx.figure("longest unavailable", Log.seconds(gap));
        Duration limit = ctx.maxUnavailable();
        if (limit != null && gap.compareTo(limit) > 0) {
            return "UNAVAILABLE for " + Log.seconds(gap) + ": no write was acknowledged for longer than --max-unavailable "
                    + Log.seconds(limit);
        }
        return null;
    }
}
