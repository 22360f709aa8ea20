///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/*.java
//DESCRIPTION Phase health: GET /api/v1/health without credentials answers 204 on every node.
package ha.scripts;

import ha.ArcadeClient;
import ha.Cli;
import ha.CommonOptions;
import ha.Node;
import ha.Phase;
import ha.PhaseContext;
import ha.PhaseRunner;
import ha.Wait;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ha-health", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = {HaHealth.PURPOSE, "",
            "Checks liveness: GET /api/v1/health, sent without credentials, answers 204 on every node."})
public class HaHealth implements Phase, Callable<Integer> {
    static final String PURPOSE = "GET /api/v1/health without credentials answers 204 on every node";

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public String name() {
        return "health";
    }

    @Override
    public String summary() {
        return PURPOSE;
    }

    @Override
    public void run(PhaseContext ctx) {
        for (Node node : ctx.target().nodes()) {
            ArcadeClient anonymous = ctx.target().client(node).anonymous();
            Wait.until(node + " to answer GET /api/v1/health with 204", Wait.HTTP_POLL, ctx.timeout(),
                    anonymous::health, status -> status == 204);
        }
    }

    @Override
    public Integer call() {
        return PhaseRunner.runAlone(common, this);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new HaHealth(), args));
    }
}
