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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParityPassTest {
    @TempDir
    Path reports;

    @ParameterizedTest(name = "ArcadeDB {0}")
    @ValueSource(strings = {"26.8.1", "26.7.3"})
    void everyParityPhasePasses(String version) {
        try (KubeSim cluster = KubeSim.builder().version(version).start()) {
            List<PhaseResult> results = Scenario.run(cluster, reports, Duration.ofSeconds(20), new HaRollout(), new HaHealth(),
                    new HaQuorum(), new HaWrite(), new HaRead(), new HaReplicaHealth(), new HaTransfer());
            for (PhaseResult r : results) {
                assertEquals(PhaseResult.Status.passed, r.status(), r.name() + ": " + r.message());
            }
            Integer leader = cluster.sim().leaderOrdinal();
            assertEquals(1, leader, "transfer moved leadership to the first follower");
        }
    }
}
