///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase transfer: move leadership to a follower at runtime, then write and read through the new leader.
package ha.scripts;

import ha.check.Elections;
import ha.core.Log;
import ha.core.Node;
import ha.core.PhaseFailure;
import ha.run.Cli;
import ha.run.Phase;
import ha.run.PhaseContext;
import ha.run.PhaseScript;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = "ha-transfer", description = {HaTransfer.PURPOSE, "",
            "Transfers Raft leadership at runtime: picks a follower, asks the leader to hand over to it "
                + "(POST /api/v1/cluster/leader), waits until every node names it leader, then writes a new row through it "
                + "and reads it back on every node."})
public class HaTransfer extends PhaseScript {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaTransfer(), args));
    }

    static final String PURPOSE = "move leadership to a follower at runtime, then write and read through the new leader";

    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(30);

    public HaTransfer() {
        super(LEADER_AND_FOLLOWER);
    }

    @Override
    public void run(PhaseContext ctx) {
        Node oldLeader = ctx.awaitLeader();
        Node chosen = ctx.target().nodes().stream().filter(n -> !n.equals(oldLeader)).findFirst()
                .orElseThrow(() -> new PhaseFailure("expected at least one follower to transfer leadership to, saw only " + oldLeader));
        String chosenId = ctx.target().peerIdOf(chosen);
        Log.step("asking %s to hand leadership to %s (%s)", oldLeader, chosen, chosenId);

        long t0 = System.nanoTime();
        ctx.until(oldLeader + " to accept handing leadership to " + chosen, () -> {
            if (chosenId.equals(ctx.target().client(chosen).cluster().leaderId())) {
                return true;   // an earlier attempt whose answer was lost did it already
            }
            ctx.target().client(oldLeader).transferLeadership(chosenId, TRANSFER_TIMEOUT);
            return true;
        }, accepted -> accepted);
        boolean readyField = ctx.version().reportsLeaderReady();
        ctx.until("every node to name " + chosen + " the leader", ctx.cluster()::views,
                views -> chosen.equals(Elections.agreedLeader(ctx.target(), views, readyField)));
        ctx.figure("transfer time", Log.seconds(Duration.ofNanos(System.nanoTime() - t0)));

        ctx.ensureSchema(chosen);
        String marker = ctx.runId() + "-transfer";
        ctx.insertAcknowledged(chosen, marker);
        ctx.awaitOnEveryNode(Set.of(marker));
    }
}
