///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase rollout: the ArcadeDB StatefulSet is rolled out as `kubectl rollout status` means it.
package ha.scripts;

import ha.check.ServerLogs;
import ha.core.Wait;
import ha.run.Cli;
import ha.run.Phase;
import ha.run.PhaseContext;
import ha.run.PhaseScript;
import picocli.CommandLine.Command;

@Command(name = "ha-rollout", description = {HaRollout.PURPOSE, "",
            "Waits until the release's StatefulSet is rolled out: observed generation current, every replica "
                + "updated and ready, current revision equal to the update revision (not fabric8's count-only readiness)."})
public class HaRollout extends PhaseScript {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaRollout(), args));
    }

    static final String PURPOSE = "the ArcadeDB StatefulSet is rolled out as `kubectl rollout status` means it";

    @Override
    public void run(PhaseContext ctx) {
        try {
            ctx.awaitRollout();
        } catch (Wait.WaitTimeoutException e) {
            throw ServerLogs.explain(ctx.target(), e);   // a pod whose HA plugin failed never gets ready: say why
        }
    }
}
