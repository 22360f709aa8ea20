///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase pause: freeze the leader (SIGSTOP) past the election timeout under a steady write load; the others elect a leader in a new term, the woken node follows it and serves no stale read, and no acknowledged write is lost.
package ha.scripts;

import ha.core.Durations;
import ha.core.Log;
import ha.core.Node;
import ha.nemesis.FaultContext;
import ha.nemesis.Pause;
import ha.run.Cli;
import ha.run.DisruptivePhase;
import ha.run.PauseChecks;
import ha.run.PhaseContext;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ha-pause", description = {HaPause.PURPOSE, "",
            "A background writer inserts numbered rows (--write-via); the leader's server process is frozen with SIGSTOP "
                + "(locally kill -STOP; on kind from the kind node's side) for --pause-for, by default twice the cluster's "
                + "arcadedb.ha.electionTimeoutMax (10 s when unset), then resumed with SIGCONT. While it is frozen the others "
                + "elect a leader in a new term and acknowledge writes again. After the resume the woken node follows the new "
                + "leader; its linearizable reads must hold every row acknowledged before them; a write it acknowledged after the "
                + "new leader's election and before it followed must be held by the cluster (on 26.8.1 it forwards such writes "
                + "to the new leader). Figures: election time, longest unavailable, how long "
                + "the woken node took to follow, and what it answered first. Then the checker's verdict (a lost row is "
                + "named with its time relative to the pause and the resume) and the invariants. Skipped where the target "
                + "cannot freeze a process."})
public class HaPause extends DisruptivePhase<Pause> {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaPause(), args));
    }

    static final String PURPOSE = "freeze the leader (SIGSTOP) past the election timeout under a steady write load; the others "
            + "elect a leader in a new term, the woken node follows it and serves no stale read, and no acknowledged write is lost";

    @Option(names = "--pause-for", paramLabel = "DURATION", converter = Durations.class,
            description = "How long the leader stays frozen; longer than arcadedb.ha.electionTimeoutMax (default: twice it).")
    Duration pauseFor;

    private Node elected;
    private long electedMillis;
    private long followedMillis = Long.MAX_VALUE;
    private PauseChecks checks;

    public HaPause() {
        super(Pause.NODES_NEEDED, "pause", "after the pause");
    }

    /** Sets --pause-for (null: derived from the election timeout). */
    public HaPause pauseFor(Duration d) {
        pauseFor = d;
        return this;
    }

    @Override
    protected void checkApplicable(PhaseContext ctx) {
        skipIf(ctx.target().cannotFreeze().orElse(null));
    }

    @Override
    protected Pause newFault(PhaseContext ctx) {
        checks = new PauseChecks();
        elected = null;
        followedMillis = Long.MAX_VALUE;
        return Pause.ofLeader(pauseFor, ctx.target().settings());
    }

    /** While the leader is frozen the others elect a leader of a new term and acknowledge writes again. */
    @Override
    protected void whileApplied(PhaseContext ctx, FaultContext fc) {
        try {
            List<Node> others = ctx.target().nodes().stream().filter(n -> !n.equals(fault().node())).toList();
            elected = ctx.awaitNewTermLeader("the others", others, fc.before(), "elected while " + fault().node() + " was paused");
            electedMillis = System.currentTimeMillis();
            ctx.figure("election time", Log.seconds(fault().sinceApplied()));
            ctx.awaitWriteAcknowledgedSince(electedMillis, "a write acknowledged after the election while " + fault().node() + " is still paused");
            ctx.figure("writes acknowledged again after", Log.seconds(fault().sinceApplied()));
        } catch (RuntimeException e) {
            fault().resume(fc);
            throw e;
        }
    }

    /** The woken node follows the new leader; its linearizable reads meanwhile and once it follows are not stale. */
    @Override
    protected void afterHeal(PhaseContext ctx, FaultContext fc) {
        followedMillis = checks.awaitFollowing(ctx, fault(), elected);
        ctx.figure("woken node followed after", Log.seconds(Duration.ofMillis(followedMillis - fault().resumedMillis())));
        ctx.figure("woken node's first answer", checks.firstStatus());
        ctx.figure("linearizable reads on the woken node", checks.reads());
        ctx.awaitLeader("every node, the woken one too,");
    }

    @Override
    protected String judgeMore(PhaseContext ctx) {
        return checks.verdict(ctx, fault(), electedMillis, followedMillis);
    }
}
