///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase rollout: the ArcadeDB StatefulSet is rolled out as `kubectl rollout status` means it.
package ha.scripts;

import ha.Cli;
import ha.CommonOptions;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseRunner;
import ha.ServerLogs;
import ha.Wait;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-rollout", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = {HaRollout.PURPOSE, "",
            "Waits until the release's StatefulSet is rolled out: observed generation current, every replica "
                + "updated and ready, current revision equal to the update revision (not fabric8's count-only readiness)."})
public class HaRollout implements Phase, Callable<Integer> {
    static final String PURPOSE = "the ArcadeDB StatefulSet is rolled out as `kubectl rollout status` means it";

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "rollout";
    }

    @Override
    public String summary() {
        return PURPOSE;
    }

    @Override
    public void run(PhaseContext ctx) {
        try {
            ctx.target().awaitRollout(ctx.timeout());
        } catch (Wait.WaitTimeoutException e) {
            throw ServerLogs.explain(ctx.target(), e);   // a pod whose HA plugin failed never gets ready: say why
        }
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaRollout(), args));
    }
}
