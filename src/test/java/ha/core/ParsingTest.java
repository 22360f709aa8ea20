package ha.core;

import ha.client.ClusterStatus;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParsingTest {
    @ParameterizedTest
    @CsvSource({"90s,90000", "2m,120000", "1m30s,90000", "500ms,500", "45,45000", "PT1M,60000", "1h,3600000"})
    void durationsAsPeopleWriteThem(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"abc", "5 minutes", "-3s", "1x"})
    void badDurationsSayWhatIsExpected(String text) {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("is not a duration (examples: 90s, 2m"), e.getMessage());
    }

    /** A bare 0 was once 0 seconds while 0s was "not a duration": every zero is refused alike. */
    @ParameterizedTest
    @CsvSource({"0", "0s", "0ms", "PT0S", "0m0s"})
    void zeroIsRefusedInEveryForm(String text) {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse(text));
        assertEquals("'" + text + "' is no time: expected a duration longer than 0 (examples: 90s, 2m, 1m30s, 500ms; a bare number is seconds)",
                e.getMessage());
    }

    @Test
    void peerIdsOfChartPodsMapToOrdinals() {
        String id = "test-arcadedb-12.test-arcadedb.default.svc.cluster.local_2434";
        assertEquals("test-arcadedb-12.test-arcadedb.default.svc.cluster.local", PeerIds.host(id));
        assertEquals(2434, PeerIds.raftPort(id));
        assertEquals(OptionalInt.of(12), PeerIds.podOrdinal(id));
        assertEquals("test-arcadedb-12", PeerIds.podName(id));
        assertEquals(id, PeerIds.forPod("test-arcadedb-12", "test-arcadedb", "default", "cluster.local", 2434));
    }

    @Test
    void loopbackPeerIdsHaveNoPodOrdinal() {
        assertEquals(OptionalInt.empty(), PeerIds.podOrdinal("127.0.0.1_2435"));
        assertEquals(2435, PeerIds.raftPort("127.0.0.1_2435"));
        assertThrows(IllegalArgumentException.class, () -> PeerIds.host("nounderscore"));
    }

    @Test
    void serverVersionsCompare() {
        ServerVersion v = ServerVersion.parse("26.8.1 (build 4f2a1c0/2026-08-03)");
        assertEquals("26.8.1", v.toString());
        assertTrue(v.reportsLeaderReady());
        assertTrue(v.autoJoins());
        ServerVersion old = ServerVersion.parse("26.7.3");
        assertTrue(old.reportsReplicaStatus());
        assertFalse(old.reportsLeaderReady());
        assertFalse(ServerVersion.parse("26.6.1").reportsReplicaStatus());
        assertTrue(ServerVersion.parse("26.9.1-SNAPSHOT").atLeast(26, 8, 1));
    }

    @Test
    void clusterJsonOfTheLeaderWithOptionalAndUnknownFields() {
        String json = """
            {"implementation":"raft","clusterName":"arcadedb","localPeerId":"p-1_2434","raftState":"RUNNING",
             "isLeader":true,"leaderReady":true,"leaderId":"p-1_2434","leaderHttpAddress":"p-1:2480",
             "electionCount":1,"lastElectionTime":1755859200123,"uptime":312045,"somethingNew":{"x":1},
             "peers":[{"id":"p-2_2434","address":"p-2:2434","role":"FOLLOWER","matchIndex":57,"nextIndex":58,
                       "replicationLag":0,"lastContactMs":38,"replicaStatus":"HEALTHY","laggingForMs":0,"lagging":false,
                       "replicationRttMs":0.71,"replicationRttP99Ms":2.05},
                      {"id":"p-1_2434","address":"p-1:2434","role":"LEADER"}],
             "databases":[{"name":"integration-test"}],"alerts":[]}""";
        ClusterStatus s = Json.read(json, ClusterStatus.class);
        assertTrue(s.leader());
        assertEquals(Boolean.TRUE, s.leaderReady());
        assertEquals("HEALTHY", s.peer("p-2_2434").orElseThrow().replicaStatus());
        assertEquals(null, s.peer("p-1_2434").orElseThrow().replicaStatus(), "health fields only on followers");
        assertEquals("HEALTHY (lag 0, last contact 38 ms)", s.peer("p-2_2434").orElseThrow().health());
    }

    @Test
    void clusterJsonOf2673HasNoLeaderReady() {
        ClusterStatus s = Json.read("{\"isLeader\":false,\"leaderId\":null,\"peers\":[]}", ClusterStatus.class);
        assertFalse(s.leader());
        assertEquals(null, s.leaderReady());
        assertEquals(null, s.raftState());
    }

    @Test
    void redactorHidesThePasswordAndItsBase64Forms() {
        Redactor.register("s3cret-Passw0rd-xyz");
        String text = "pw=s3cret-Passw0rd-xyz b64=" + java.util.Base64.getEncoder().encodeToString("s3cret-Passw0rd-xyz".getBytes())
                + " basic=" + java.util.Base64.getEncoder().encodeToString("root:s3cret-Passw0rd-xyz".getBytes());
        String out = Redactor.redact(text);
        assertFalse(out.contains("s3cret"), out);
        assertEquals("pw=****** b64=****** basic=******", out);
    }
}
