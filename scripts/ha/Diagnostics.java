package ha;

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
            RunReport.writeRedacted(nodeDir.resolve("cluster.json"), answer(() -> Json.pretty(Json.read(client.getText("/api/v1/cluster")))));
            RunReport.writeRedacted(nodeDir.resolve("server.json"), answer(() -> client.getText("/api/v1/server?mode=basic")));
        }
        try {
            target.collectDiagnostics(dir);
        } catch (RuntimeException e) {
            RunReport.writeRedacted(dir.resolve("collection-errors.txt"), "target diagnostics failed: " + e);
        }
    }

    /** The text, or one line saying why there is none. */
    public static String answer(java.util.concurrent.Callable<String> fetch) {
        try {
            return fetch.call();
        } catch (Exception e) {
            return "(not available: " + e.getClass().getSimpleName() + ": " + e.getMessage() + ")\n";
        }
    }
}
