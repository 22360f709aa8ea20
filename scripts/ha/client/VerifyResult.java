package ha.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader's answer to {@code POST /api/v1/cluster/verify/{db}} (reference §4.4): its overall status and, per peer, whether
 * that peer's files equal the leader's.
 */
public record VerifyResult(String overallStatus, List<PeerCheck> peers) {
    /** One peer as the leader judged it: CONSISTENT, INCONSISTENT or ERROR, the files that differ, an error text. */
    public record PeerCheck(String peerId, String status, List<String> mismatchedFiles, String error) {
        public boolean consistent() {
            return "CONSISTENT".equals(status);
        }

        /** "INCONSISTENT in a.bucket, b.bucket (timeout)" */
        public String describe() {
            return status + (mismatchedFiles.isEmpty() ? "" : " in " + String.join(", ", mismatchedFiles))
                    + (error == null ? "" : " (" + error + ")");
        }
    }

    /** Reads the answer's {@code result} object. */
    static VerifyResult of(JsonNode answer) {
        JsonNode result = answer.path("result");
        List<PeerCheck> peers = new ArrayList<>();
        for (JsonNode peer : result.path("peers")) {
            List<String> files = new ArrayList<>();
            peer.path("mismatches").forEach(m -> files.add(m.path("file").asText()));
            peers.add(new PeerCheck(peer.path("peerId").asText(), peer.path("status").asText(), List.copyOf(files),
                    peer.hasNonNull("error") ? peer.path("error").asText() : null));
        }
        return new VerifyResult(result.path("overallStatus").asText("none"), List.copyOf(peers));
    }
}
