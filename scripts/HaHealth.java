///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//DESCRIPTION Phase health: GET /api/v1/health without credentials answers 204 on every node.
package ha.scripts;

import ha.client.ArcadeClient;
import ha.core.Node;
import ha.run.Cli;
import ha.run.Phase;
import ha.run.PhaseContext;
import ha.run.PhaseScript;
import picocli.CommandLine.Command;

@Command(name = "ha-health", description = {HaHealth.PURPOSE, "",
            "Checks liveness: GET /api/v1/health, sent without credentials, answers 204 on every node."})
public class HaHealth extends PhaseScript {
    public static void main(String... args) {
        System.exit(Cli.execute(new HaHealth(), args));
    }

    static final String PURPOSE = "GET /api/v1/health without credentials answers 204 on every node";

    @Override
    public void run(PhaseContext ctx) {
        for (Node node : ctx.target().nodes()) {
            ArcadeClient anonymous = ctx.target().client(node).anonymous();
            ctx.until(node + " to answer GET /api/v1/health with 204", anonymous::health, status -> status == 204);
        }
    }
}
