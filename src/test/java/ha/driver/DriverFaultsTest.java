package ha.driver;

import ha.support.Jbang;

import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.scripts.HaWrite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver as a real process, one injected fault per parity phase: it fails at that phase, exits 1,
 * and says what it expected and what it saw.
 */
class DriverFaultsTest {
    @TempDir
    Path tmp;

    record Fault(String phase, int position, Consumer<KubeSim> inject, String from, String expected) {
        @Override
        public String toString() {
            return phase;
        }
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                new Fault("rollout", 1, c -> c.kube().rolloutStuck(true), null,
                        "waiting for StatefulSet test-arcadedb rolled out; last seen: generation 1 (observed 1), replicas 3, updated 3, ready 3, revision test-arcadedb-old -> test-arcadedb-rev1"),
                // a node that refuses connections is not Ready either, so the rollout would catch it first: start at health
                new Fault("health", 1, c -> c.sim().faults().refuseConnections(2, true), "health",
                        "waiting for test-arcadedb-2 to answer GET /api/v1/health with 204; last seen: "),
                new Fault("quorum", 3, c -> c.sim().faults().disagreeOnLeader(2, true), null,
                        "waiting for every node to name the same leader; last seen: {test-arcadedb-0: leaderId=test-arcadedb-0"),
                new Fault("write", 4, c -> {
                    c.awaitReadyLeader();
                    c.sim().faults().stallFollower(1, true);
                    c.sim().faults().stallFollower(2, true);
                }, null, "to exist on the leader test-arcadedb-0; last seen: ArcadeHttpException: test-arcadedb-0: POST /api/v1/server answered 503 Cannot execute command (com.arcadedb.network.binary.QuorumNotReachedException)"),
                new Fault("read", 5, DriverFaultsTest::loseAnEarlierRowOnAFollower, null,
                        "waiting for test-arcadedb-2 to hold the 2 expected rows; last seen: test-arcadedb-2 holds 1 of the 2 expected rows"),
                new Fault("replica-health", 1, DriverFaultsTest::stallAFollowerBehindNewRows, "replica-health",
                        "to report every follower HEALTHY; last seen: {test-arcadedb-1=HEALTHY"),
                new Fault("transfer", 7, c -> c.sim().faults().ignoreTransfer(true), null,
                        "waiting for every node to name test-arcadedb-1 the leader; last seen: {test-arcadedb-0: leaderId=test-arcadedb-0"))
                .map(Arguments::of);
    }

    /** Writes a row on a healthy cluster, then follower 2 drops it: the next write is fine, the read of every row is not. */
    private static void loseAnEarlierRowOnAFollower(KubeSim cluster) {
        Path reports = Path.of(System.getProperty("java.io.tmpdir"), "ha-faults-setup-" + ProcessHandle.current().pid());
        ha.run.PhaseResult r = Scenario.runOne(cluster, reports, Duration.ofSeconds(20), new HaWrite());
        String marker = (String) r.figures().get("marker");
        ha.core.Wait.until("the earlier row on node 2", Duration.ofMillis(20), Duration.ofSeconds(10),
                () -> cluster.sim().rowCount(2, "integration-test", "HaRow"), n -> n == 1);
        cluster.sim().faults().loseRow(2, marker);
    }

    /** Writes a row while follower 2 is stalled, so the leader sees it fall behind. */
    private static void stallAFollowerBehindNewRows(KubeSim cluster) {
        cluster.sim().faults().stallFollower(2, true);
        Path reports = Path.of(System.getProperty("java.io.tmpdir"), "ha-faults-setup-" + ProcessHandle.current().pid());
        Scenario.run(cluster, reports, Duration.ofSeconds(20), new HaWrite());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void theDriverFailsAtThePhaseTheFaultBreaks(Fault fault) throws Exception {
        try (KubeSim cluster = KubeSim.builder().setting("arcadedb.ha.replicationLagWarning", "1").start()) {
            fault.inject().accept(cluster);
            List<String> args = new ArrayList<>(List.of("--phases", String.join(",", DriverProcessTest.PARITY),
                    "--timeout", "3s", "--report-dir", tmp.toString()));
            if (fault.from() != null) {
                args.addAll(List.of("--from", fault.from()));
            }
            Jbang.Run run = Jbang.run(Jbang.kubeEnv(cluster.kube().kubeconfig(), cluster.kube().fakeBin()), "arcadedb-ha",
                    args.toArray(String[]::new));
            assertEquals(1, run.exitCode(), run.all());
            int total = DriverProcessTest.PARITY.size() - (fault.from() == null ? 0 : DriverProcessTest.PARITY.indexOf(fault.from()));
            String failedLine = run.stdout().lines().filter(l -> l.startsWith("[" + fault.position() + "/" + total + "] " + fault.phase() + " FAILED"))
                    .findFirst().orElseThrow(() -> new AssertionError("no FAILED line for " + fault.phase() + " in:\n" + run.stdout()));
            assertTrue(failedLine.contains(fault.expected()), "expected «" + fault.expected() + "» in: " + failedLine);
            int passedBefore = fault.position() - 1;
            assertTrue(run.stdout().contains("\n" + passedBefore + " passed, 1 failed, " + (total - passedBefore - 1) + " skipped\n"), run.stdout());
        }
    }
}
