package ha.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * GET /api/v1/cluster as one node sees it (reference §2.1). Fields a server version lacks are null;
 * unknown fields are ignored. The health fields of {@link Peer} exist only in the leader's answer and
 * only on follower entries; {@code peers} order is arbitrary, so look peers up by id.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterStatus(
        String implementation,
        String clusterName,
        String localPeerId,
        String raftState,                     // 26.8.1+
        @JsonProperty("isLeader") Boolean isLeader,
        Boolean leaderReady,                  // 26.8.1+
        String leaderId,
        String leaderHttpAddress,
        Long electionCount,
        Long lastElectionTime,
        Long uptime,
        List<Peer> peers,
        List<Database> databases,             // 26.6.1+
        JsonNode databasePresence,            // only with ?presence on the leader
        List<Alert> alerts) {                 // 26.7.1+

    public boolean leader() {
        return Boolean.TRUE.equals(isLeader);
    }

    public List<Peer> peerList() {
        return peers == null ? List.of() : peers;
    }

    public Optional<Peer> peer(String id) {
        return peerList().stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** One entry of {@code peers[]} (reference §2.2). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Peer(
            String id,
            String address,
            String httpAddress,               // HEAD only
            Boolean httpAddressAmbiguous,     // HEAD only, only when true
            String role,
            Long matchIndex,
            Long nextIndex,
            Long replicationLag,
            Long lastContactMs,
            String replicaStatus,             // UNKNOWN | HEALTHY | CATCHING_UP | FALLING_BEHIND | STALLED
            Long laggingForMs,
            Boolean lagging,
            Double replicationRttMs,          // 26.8.1+
            Double replicationRttP99Ms) {     // 26.8.1+

        public boolean isLeaderRole() {
            return "LEADER".equals(role);
        }

        /** "STALLED (lag 1200, last contact 11000 ms)" or just the status. */
        public String health() {
            StringBuilder sb = new StringBuilder(replicaStatus == null ? "no replicaStatus" : replicaStatus);
            if (replicationLag != null) {
                sb.append(" (lag ").append(replicationLag);
                if (Boolean.TRUE.equals(lagging)) {
                    sb.append(", lagging");
                }
                if (lastContactMs != null) {
                    sb.append(", last contact ").append(lastContactMs).append(" ms");
                }
                sb.append(')');
            }
            return sb.toString();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Database(String name, Long bootstrapLastTxId, String bootstrapFingerprint, String acquireStatus,
                           Long acquireTimestamp, String acquireError) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Alert(String id, String severity, String title, String message, String recommendation,
                        JsonNode details) {
    }
}
