package ha.phases;

import ha.core.Node;
import ha.support.kube.Scenario;
import ha.run.Phase;
import ha.run.PhaseContext;
import ha.run.PhaseResult;
import ha.target.Target;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A phase that needs more nodes than the cluster has is skipped with that reason, before it touches the cluster. */
class SmallClusterTest {
    @TempDir
    Path tmp;

    /** A target of {@code size} nodes that answers nothing else: a phase that reached it would fail. */
    static Target ofSize(int size) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(new Node(i, "node-" + i));
        }
        return (Target) Proxy.newProxyInstance(Target.class.getClassLoader(), new Class<?>[] {Target.class}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "nodes" -> nodes;
                    case "describe" -> size + " test nodes";
                    case "close" -> null;
                    default -> throw new AssertionError("the phase reached the cluster: " + method.getName());
                });
    }

    record Named(String name, int minimumNodes, List<String> ran) implements Phase {
        public String summary() {
            return name;
        }

        public void run(PhaseContext ctx) {
            ran.add(name);
        }
    }

    @Test
    void phasesThatNeedAMajorityOrAFollowerAreSkippedOnTooFewNodes() {
        List<String> ran = new ArrayList<>();
        List<PhaseResult> results = Scenario.run(ofSize(2), tmp, Duration.ofSeconds(5), "small",
                new Named("read", 1, ran), new Named("transfer", 2, ran), new Named("failover", 3, ran));
        assertEquals(List.of("read", "transfer"), ran);
        assertEquals(PhaseResult.Status.skipped, results.get(2).status());
        assertEquals("needs at least 3 nodes to keep a Raft majority while one is down; the cluster has 2", results.get(2).message());

        ran.clear();
        List<PhaseResult> one = Scenario.run(ofSize(1), tmp, Duration.ofSeconds(5), "one", new Named("transfer", 2, ran));
        assertEquals(List.of(), ran);
        assertEquals("needs at least 2 nodes (a leader and a follower); the cluster has 1", one.get(0).message());
    }

    /** Each phase asks for what its scenario needs: a follower, or a majority that survives its fault. */
    @Test
    void everyPhaseDeclaresTheNodesItNeeds() {
        java.util.Map<String, Integer> needs = new java.util.LinkedHashMap<>();
        new ha.scripts.ArcadedbHa().allPhases().forEach(p -> needs.put(p.name(), p.minimumNodes()));
        assertEquals("{rollout=1, health=1, quorum=1, write=1, read=1, replica-health=2, transfer=2, scale-up=3, "
                + "snapshot-recovery=3, failover=3, pause=3, rolling-restart=3, partition=3}", needs.toString());
    }
}
