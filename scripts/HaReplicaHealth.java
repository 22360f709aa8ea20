///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase replica-health: the leader reports every follower's replicaStatus HEALTHY.
package ha.scripts;

import ha.core.Node;
import ha.core.PhaseSkipped;
import ha.core.ServerVersion;
import ha.run.Cli;
import ha.run.Phase;
import ha.run.PhaseContext;
import ha.run.PhaseScript;
import picocli.CommandLine.Command;

@Command(name = "ha-replica-health", description = {HaReplicaHealth.PURPOSE, "",
            "Checks per-peer replica health on the leader: every follower's replicaStatus reaches HEALTHY within "
                + "--timeout (UNKNOWN right after a leader change and CATCHING_UP are transient; STALLED or FALLING_BEHIND at "
                + "the deadline fail, naming the peer and its lag). Skipped only on servers older than 26.7.1, which lack the field."})
public class HaReplicaHealth extends PhaseScript {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaReplicaHealth(), args));
    }

    static final String PURPOSE = "the leader reports every follower's replicaStatus HEALTHY";

    public HaReplicaHealth() {
        super(LEADER_AND_FOLLOWER);
    }

    @Override
    public void run(PhaseContext ctx) {
        ServerVersion version = ctx.version();
        if (!version.reportsReplicaStatus()) {
            throw new PhaseSkipped("server " + version + " predates replicaStatus (added in 26.7.1)");
        }
        Node leader = ctx.awaitLeader();
        ctx.awaitFollowersHealthy(leader);
    }
}
