package ha.phases;

import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.run.PhaseResult;
import ha.scripts.HaHealth;
import ha.scripts.HaQuorum;
import ha.scripts.HaRead;
import ha.scripts.HaReplicaHealth;
import ha.scripts.HaRollout;
import ha.scripts.HaTransfer;
import ha.scripts.HaWrite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each parity phase fails on the fault it exists to catch, saying what it expected and what it saw. */
class ParityFailTest {
    private static final Duration SHORT = Duration.ofSeconds(3);

    @TempDir
    Path reports;

    private static PhaseResult failed(List<PhaseResult> results, String phase) {
        PhaseResult r = results.stream().filter(x -> x.name().equals(phase)).findFirst().orElseThrow();
        assertEquals(PhaseResult.Status.failed, r.status(), phase + " should fail; results: " + results);
        return r;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected «" + part + "» in: " + message);
        }
    }

    @Test
    void rolloutFailsWhileTheRevisionLagsBehind() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.kube().rolloutStuck(true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaRollout());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for StatefulSet test-arcadedb rolled out; last seen: generation 1 (observed 1),"
                    + " replicas 3, updated 3, ready 3, revision test-arcadedb-old -> test-arcadedb-rev1");
        }
    }

    @Test
    void healthFailsNamingTheNodeThatDoesNotAnswer() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.sim().faults().refuseConnections(2, true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaHealth());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for test-arcadedb-2 to answer GET /api/v1/health with 204; last seen: ");
        }
    }

    @Test
    void quorumFailsWhenANodeNamesAnotherLeader() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.sim().faults().disagreeOnLeader(2, true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaQuorum());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for every node to name the same leader; last seen: {test-arcadedb-0: leaderId=test-arcadedb-0",
                    "test-arcadedb-1: leaderId=test-arcadedb-0", "test-arcadedb-2: leaderId=test-arcadedb-1");
        }
    }

    @Test
    void aWrongPasswordFailsAtOnceWithoutRetrying() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.kube().client().secrets().withName("test-arcadedb-credentials").edit(s -> {
                s.getData().put("rootPassword", java.util.Base64.getEncoder().encodeToString("not-the-password".getBytes()));
                return s;
            });
            long t0 = System.nanoTime();
            PhaseResult r = Scenario.runOne(cluster, reports, Duration.ofSeconds(30), new HaQuorum());
            assertEquals(PhaseResult.Status.failed, r.status());
            assertContains(r.message(), "rejected the root password (403 Security error)");
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "no waiting on a rejected password");
        }
    }

    @Test
    void writeFailsWhenTheLeaderCannotReachAQuorum() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            assertEquals(PhaseResult.Status.passed, Scenario.runOne(cluster, reports, SHORT, new HaWrite()).status());
            cluster.sim().faults().stallFollower(1, true);
            cluster.sim().faults().stallFollower(2, true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaWrite());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for database 'integration-test' and type HaRow to exist on the leader test-arcadedb-0;"
                    + " last seen: ArcadeHttpException: test-arcadedb-0: POST /api/v1/command/integration-test answered 503"
                    + " Cannot execute command (com.arcadedb.network.binary.QuorumNotReachedException)");
        }
    }

    @Test
    void writeFailsWhenAFollowerDoesNotServeTheRowToALinearizableRead() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            assertEquals(PhaseResult.Status.passed, Scenario.runOne(cluster, reports, SHORT, new HaWrite()).status());
            cluster.sim().faults().detachFollower(2, true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaWrite());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "expected a linearizable read on test-arcadedb-2 right after the write to return "
                    + r.figures().get("marker") + ", saw no such row");
        }
    }

    @Test
    void writeReportsFollowersBehindAnEventualReadWithoutFailing() {
        // followers learn a commit one replication round (here 1 s) after it: right after the write both lag, while
        // the linearizable and bookmark reads wait for it and see the row
        ha.support.sim.Timings f = ha.support.sim.Timings.fast();
        ha.support.sim.Timings slowRounds = new ha.support.sim.Timings(f.electionDelay(), f.transferDelay(), f.leaderNullWindow(), f.unknownWindow(),
                Duration.ofSeconds(1), f.statusTick(), Duration.ofSeconds(5), f.joinDelay(), f.snapshotInstallDelay());
        try (KubeSim cluster = KubeSim.builder().timings(slowRounds).start()) {
            PhaseResult r = Scenario.runOne(cluster, reports, Duration.ofSeconds(20), new HaWrite());
            assertEquals(PhaseResult.Status.passed, r.status(), r.message());
            assertEquals("test-arcadedb-1, test-arcadedb-2", r.figures().get("followers behind an eventual read"));
        }
    }

    @Test
    void readFailsNamingTheFollowerThatMissesTheRow() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            PhaseResult first = Scenario.runOne(cluster, reports, SHORT, new HaWrite());
            assertEquals(PhaseResult.Status.passed, first.status(), first.message());
            String marker = (String) first.figures().get("marker");
            ha.core.Wait.until("the first row on node 2", Duration.ofMillis(20), SHORT,
                    () -> cluster.sim().rowCount(2, "integration-test", "HaRow"), n -> n == 1);
            cluster.sim().faults().loseRow(2, marker);
            List<PhaseResult> results = Scenario.run(cluster, reports, SHORT, new HaWrite(), new HaRead());
            assertEquals(PhaseResult.Status.passed, results.get(0).status(), results.get(0).message());
            assertContains(failed(results, "read").message(), "waiting for test-arcadedb-2 to hold the 2 expected rows; last seen: "
                    + "test-arcadedb-2 holds 1 of the 2 expected rows (1 rows in all); missing (first 10 of 1): " + marker);
        }
    }

    @Test
    void replicaHealthFailsNamingTheStalledPeerAndItsLag() {
        try (KubeSim cluster = KubeSim.builder().setting("arcadedb.ha.replicationLagWarning", "1").start()) {
            cluster.sim().faults().stallFollower(2, true);
            // a row written while follower 2 is stalled (the write phase itself fails on that follower's reads)
            Scenario.runOne(cluster, reports, SHORT, new HaWrite());
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaReplicaHealth());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(),
                    "waiting for the leader test-arcadedb-0 to report every follower HEALTHY; last seen: {test-arcadedb-1=HEALTHY",
                    "test-arcadedb-2=", ", lagging, last contact ");
        }
    }

    @Test
    void transferFailsWhenLeadershipNeverMoves() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.sim().faults().ignoreTransfer(true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaTransfer());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "waiting for every node to name test-arcadedb-1 the leader; last seen: {test-arcadedb-0: leaderId=test-arcadedb-0");
        }
    }

    @Test
    void transferFailsWhenTheLeaderRefuses() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            cluster.sim().faults().rejectTransfer(true);
            PhaseResult r = Scenario.runOne(cluster, reports, SHORT, new HaTransfer());
            assertEquals(PhaseResult.Status.failed, r.status(), r.message());
            assertContains(r.message(), "test-arcadedb-0: POST /api/v1/cluster/leader answered 500 Internal error");
        }
    }
}
