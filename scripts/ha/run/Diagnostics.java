package ha.run;

import ha.client.ArcadeClient;
import ha.core.EvidenceFiles;
import ha.core.Json;
import ha.core.Log;
import ha.core.Node;
import ha.target.Target;
import java.nio.file.Path;

/**
 * Collects the evidence of a failure into the report dir before anything is cleaned up: what every
 * node answers to GET /api/v1/cluster and its server version, then whatever the target can add
 * (pod logs and YAML, events, StatefulSet, volume claims, helm release; or process logs).
 */
public final class Diagnostics {
    private Diagnostics() {
    }

    public static void collect(Target target, Path dir) {
        Log.info("collecting diagnostics into %s", dir);
        for (Node node : target.nodes()) {
            Path nodeDir = dir.resolve("nodes").resolve(node.name());
            ArcadeClient client = target.client(node);
            EvidenceFiles.write(nodeDir.resolve("cluster.json"), EvidenceFiles.answer(() -> Json.pretty(Json.read(client.getText("/api/v1/cluster")))));
            EvidenceFiles.write(nodeDir.resolve("server.json"), EvidenceFiles.answer(() -> client.getText("/api/v1/server?mode=basic")));
        }
        try {
            target.collectDiagnostics(dir);
        } catch (RuntimeException e) {
            EvidenceFiles.write(dir.resolve("collection-errors.txt"), "target diagnostics failed: " + e);
        }
    }
}
