package ha.phases;

import ha.support.kube.KubeSim;
import ha.support.kube.Scenario;
import ha.run.PhaseResult;
import ha.scripts.HaRead;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A phase run alone on a fresh cluster (as every local run is) does its own set-up instead of waiting for one. */
class PhaseAloneTest {
    @TempDir
    Path reports;

    @Test
    void readAloneOnAFreshClusterWritesTheRowItReadsBack() {
        try (KubeSim cluster = KubeSim.builder().start()) {
            PhaseResult read = Scenario.runOne(cluster, reports, Duration.ofSeconds(20), new HaRead());
            assertEquals(PhaseResult.Status.passed, read.status(), read.message());
            assertEquals(1, read.figures().get("rows checked per node"));
        }
    }
}
