///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase replica-health: the leader reports every follower's replicaStatus HEALTHY.
package ha.scripts;

import ha.Cli;
import ha.CommonOptions;
import ha.Node;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseRunner;
import ha.PhaseSkipped;
import ha.ServerVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-replica-health", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = {HaReplicaHealth.PURPOSE, "",
            "Checks per-peer replica health on the leader: every follower's replicaStatus reaches HEALTHY within "
                + "--timeout (UNKNOWN right after a leader change and CATCHING_UP are transient; STALLED or FALLING_BEHIND at "
                + "the deadline fail, naming the peer and its lag). Skipped only on servers older than 26.7.1, which lack the field."})
public class HaReplicaHealth implements Phase, Callable<Integer> {
    static final String PURPOSE = "the leader reports every follower's replicaStatus HEALTHY";

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "replica-health";
    }

    @Override
    public int minimumNodes() {
        return LEADER_AND_FOLLOWER;
    }

    @Override
    public String summary() {
        return PURPOSE;
    }

    @Override
    public void run(PhaseContext ctx) {
        ServerVersion version = ctx.cluster().version(ctx.timeout());
        if (!version.reportsReplicaStatus()) {
            throw new PhaseSkipped("server " + version + " predates replicaStatus (added in 26.7.1)");
        }
        Node leader = ctx.awaitLeader();
        ctx.cluster().awaitFollowersHealthy(leader, ctx.timeout());
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaReplicaHealth(), args));
    }
}
