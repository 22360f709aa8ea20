package ha.target.local;

import ha.support.Leftovers;
import ha.support.standin.StandIn;

import com.fasterxml.jackson.databind.JsonNode;
import ha.core.Json;
import ha.target.local.LocalFailureTest.Captured;
import ha.run.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/running-locally.md: on --nodes 1 --allow-small-cluster the phases that need more nodes are skipped, naming why. */
class SmallLocalClusterTest {
    @TempDir
    Path tmp;

    @Test
    void oneNodeSkipsScaleUpAndTheFaultsWithTheReason() throws Exception {
        Path report = tmp.resolve("report");
        List<String> args = new ArrayList<>(StandIn.args(tmp.resolve("work"), 1));
        args.addAll(List.of("--allow-small-cluster", "--report-dir", report.toString(), "--timeout", "60s",
                "--phases", "rollout,transfer,scale-up,failover"));
        Captured run = Captured.run(args);
        assertEquals(Cli.PASSED, run.exitCode(), run.out() + run.err());
        JsonNode phases = Json.read(Files.readString(report.resolve("report.json"))).path("phases");
        assertEquals("passed", phases.get(0).path("status").asText(), phases.toString());
        assertEquals("needs at least 2 nodes (a leader and a follower); the cluster has 1", phases.get(1).path("message").asText());
        for (int i = 2; i < 4; i++) {
            assertEquals("skipped", phases.get(i).path("status").asText(), phases.toString());
            assertEquals("needs at least 3 nodes to keep a Raft majority while one is down; the cluster has 1",
                    phases.get(i).path("message").asText());
        }
        assertTrue(run.out().contains("[3/4] scale-up skipped"), run.out());
        assertEquals(List.of(), Leftovers.processesUsing(tmp.resolve("work")), "no server process outlives the run");
    }
}
