package ha.nemesis;

import ha.check.ClusterOps;
import ha.check.Elections;
import ha.check.History;
import ha.core.Freezer;
import ha.core.Node;
import ha.core.Wait;
import ha.support.kube.KubeSim;
import ha.target.kube.KubeChaos;
import ha.target.kube.KubeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each fault on its own, through the Kubernetes target against the simulator: what {@code apply} does to which node,
 * what {@code heal} brings back, and the events each records in the history under the phase's name.
 */
class FaultsOnTheSimulatorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final String PHASE = "fault-test";

    @AfterEach
    void forgetFakeTools() {
        System.clearProperty("ha.helm");
        System.clearProperty("ha.docker");
        System.clearProperty("kubeconfig");
    }

    /** Runs {@code test} with a fault context on a fresh simulated cluster whose leader is agreed. */
    private static void withFaultContext(KubeSim.Builder setup, Consumer<FaultContext> test) {
        try (KubeSim cluster = setup.start(); KubeTarget target = cluster.target()) {
            test.accept(context(target));
        }
    }

    private static FaultContext context(KubeTarget target) {
        ClusterOps cluster = new ClusterOps(target);
        Node leader = cluster.awaitLeader("the simulated cluster to agree on a leader", TIMEOUT);
        return new FaultContext(target, cluster, new History(), PHASE, TIMEOUT, Elections.before(target, cluster.views(), leader));
    }

    private static List<String> events(FaultContext ctx) {
        List<String> out = new ArrayList<>();
        for (History.Event e : ctx.history().events(PHASE)) {
            out.add(e.kind() + " " + (e.node() == null ? "-" : e.node()));
        }
        return out;
    }

    @Test
    void crashingTheLeaderReplacesItsPodAndHealWaitsForTheNewOneReady() {
        withFaultContext(KubeSim.builder(), ctx -> {
            Crash crash = Crash.of(Fault.Pick.LEADER);
            assertEquals(3, crash.nodesNeeded());
            crash.apply(ctx);
            assertEquals(ctx.leader(), crash.node(), "the leader is the node crashed");
            assertEquals(List.of("killed " + ctx.leader()), events(ctx));
            crash.heal(ctx);
            assertNotEquals(crash.incarnationBefore(), ctx.target().incarnation(crash.node()), "a new pod replaced the crashed one");
            assertEquals(List.of("killed " + ctx.leader(), "ready-again " + ctx.leader()), events(ctx));
        });
    }

    @Test
    void wipingAFollowerPicksTheHighestOrdinalFollowerAndSaysItsStateWasDeleted() {
        withFaultContext(KubeSim.builder().api(k -> k.persistence(true)), ctx -> {
            Crash wipe = Crash.wiping(Fault.Pick.LAST_FOLLOWER);
            wipe.apply(ctx);
            assertNotEquals(ctx.leader(), wipe.node(), "a follower is wiped");
            Node highestFollower = ctx.target().nodes().stream().filter(n -> !n.equals(ctx.leader())).reduce((a, b) -> b).orElseThrow();
            assertEquals(highestFollower, wipe.node());
            wipe.heal(ctx);
            assertEquals(List.of("wiped " + wipe.node(), "ready-again " + wipe.node()), events(ctx));
            assertTrue(ctx.history().events(PHASE).get(0).detail().contains("state deleted"), ctx.history().events(PHASE).toString());
        });
    }

    @Test
    void restartingEachInTurnGoesFromTheHighestOrdinalDownAndChecksAfterEveryNode() {
        withFaultContext(KubeSim.builder(), ctx -> {
            List<String> checked = new ArrayList<>();
            new RestartEachInTurn((node, took) -> checked.add(node.name())).apply(ctx);
            List<String> expected = new ArrayList<>(ctx.target().nodes().stream().map(Node::name).toList());
            java.util.Collections.reverse(expected);
            assertEquals(expected, checked, "each node restarted once, highest ordinal first");
            List<String> kinds = events(ctx);
            assertEquals(2 * expected.size(), kinds.size(), kinds.toString());
            assertEquals("stopped " + expected.get(0), kinds.get(0));
            assertEquals("ready-again " + expected.get(0), kinds.get(1));
        });
    }

    @Test
    void scalingOutAddsTheNewPeersAndHealScalesBack() {
        KubeSim cluster = KubeSim.builder().start();
        System.setProperty("ha.helm", cluster.kube().fakeBin().resolve("helm").toString());   // helm upgrade, as the mock plays it
        try (cluster; KubeTarget target = cluster.target()) {
            FaultContext ctx = context(target);
            ScaleOut scale = new ScaleOut(5, false);
            scale.apply(ctx);
            assertEquals(5, ctx.target().nodes().size());
            assertEquals(List.of("test-arcadedb-3", "test-arcadedb-4"), scale.added().stream().map(Node::name).toList());
            scale.heal(ctx);
            assertEquals(3, ctx.target().nodes().size(), "scaled back to the size before");
            assertEquals(List.of("scaled -", "scaled -"), events(ctx));
        }
    }

    @Test
    void scalingToNoMoreNodesIsAUsageErrorBeforeAnythingChanges() {
        withFaultContext(KubeSim.builder(), ctx -> {
            ha.core.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(ha.core.UsageException.class,
                    () -> new ScaleOut(3, false).apply(ctx));
            assertTrue(e.getMessage().contains("--scale-to 3 does not grow the cluster: it has 3 nodes"), e.getMessage());
            assertEquals(List.of(), events(ctx), "nothing was scaled");
        });
    }

    @Test
    void cuttingTheLeaderOffCreatesANetworkChaosAndHealDeletesIt() {
        try (KubeSim cluster = KubeSim.builder().start(); KubeTarget target = cluster.target()) {
            FaultContext ctx = context(target);
            Partition cut = Partition.isolating(Fault.Pick.LEADER, Duration.ofMillis(500));
            cut.apply(ctx);
            assertEquals(ctx.leader(), cut.isolated());
            assertEquals(2, cut.majority().size());
            assertFalse(cut.majority().contains(ctx.leader()));
            Wait.until("the stand-in to apply the NetworkChaos", Duration.ofMillis(20), TIMEOUT, () -> cluster.kube().chaosMesh().applied(),
                    applied -> applied.size() == 1);
            cut.heal(ctx);
            assertTrue(cut.sinceApplied().compareTo(Duration.ofMillis(500)) >= 0, "the cut held at least as long as asked");
            assertEquals(List.of(), target.kubernetes().genericKubernetesResources(KubeChaos.NETWORK_CHAOS).list().getItems(),
                    "the NetworkChaos is deleted at the heal");
            Wait.until("the stand-in to lift the cut", Duration.ofMillis(20), TIMEOUT, () -> cluster.kube().chaosMesh().applied(), List::isEmpty);
            assertEquals(List.of("partitioned " + ctx.leader(), "healed " + ctx.leader()), events(ctx));
        }
    }

    @Test
    void pausingTheLeaderStopsItsProcessFromTheKindNodeAndHealContinuesIt() {
        KubeSim cluster = KubeSim.builder().api(k -> k.contextName("kind-ha")).start();
        System.setProperty("ha.docker", cluster.kube().fakeBin().resolve("docker").toString());
        System.setProperty("kubeconfig", cluster.kube().kubeconfig().toString());
        try (cluster; KubeTarget target = KubeTarget.connect(null, cluster.kube().namespace(), cluster.kube().release(),
                Path.of("charts/arcadedb"))) {
            FaultContext ctx = context(target);
            Pause pause = Pause.of(Fault.Pick.LEADER, Duration.ofMillis(300));
            pause.apply(ctx);
            assertEquals(ctx.leader(), pause.node());
            assertEquals(1, Freezer.frozenCount(), "the leader is frozen");
            pause.heal(ctx);
            assertEquals(0, Freezer.frozenCount(), "nothing is left frozen");
            assertEquals(2, cluster.kube().signalsSent().size(), "one SIGSTOP and one SIGCONT: " + cluster.kube().signalsSent());
            assertTrue(cluster.kube().signalsSent().get(0).startsWith("STOP "), cluster.kube().signalsSent().toString());
            assertTrue(cluster.kube().signalsSent().get(1).startsWith("CONT "), cluster.kube().signalsSent().toString());
            assertEquals(List.of("paused " + ctx.leader(), "resumed " + ctx.leader()), events(ctx));
        }
    }
}
