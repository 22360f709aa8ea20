package ha.target.kube;

import ha.support.kube.KubeSim;

import ha.core.Wait;
import ha.support.sim.Timings;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mock API server holds the chart's Services, and its kubelet sets each pod's Ready condition from GET /api/v1/ready. */
class ReadinessAndServicesTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration POLL = Duration.ofMillis(20);

    private static int readyStatus(KubeSim cluster, int ordinal) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.sim().httpPort(ordinal)
                    + "/api/v1/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Pod pod(KubeSim cluster, int ordinal) {
        return cluster.kube().client().pods().withName(cluster.kube().statefulSetName() + "-" + ordinal).get();
    }

    private static boolean ready(Pod pod) {
        return pod != null && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** What a wait sees of one pod: its uid, its Ready condition, and its node's /api/v1/ready status right after. */
    private record Seen(String uid, boolean podReady, int backendReady) {
    }

    private static Seen seen(KubeSim cluster, int ordinal) {
        Pod p = pod(cluster, ordinal);
        return new Seen(p == null ? null : p.getMetadata().getUid(), ready(p), readyStatus(cluster, ordinal));
    }

    private static void awaitAllReady(KubeSim cluster) {
        Wait.until("every pod Ready", POLL, Duration.ofSeconds(20), () -> List.of(ready(pod(cluster, 0)), ready(pod(cluster, 1)),
                ready(pod(cluster, 2))), l -> !l.contains(false));
    }

    @Test
    void theClientAndHeadlessServicesAreTheChartsAndSelectEveryPod() {
        try (KubeSim cluster = KubeSim.builder().timings(Timings.fast()).start()) {
            String sts = cluster.kube().statefulSetName();
            Service http = cluster.kube().client().services().withName(sts + "-http").get();
            Service headless = cluster.kube().client().services().withName(sts).get();
            assertNotNull(http, "the client Service " + sts + "-http");
            assertNotNull(headless, "the headless Service " + sts);
            Map<String, String> selector = Map.of("app.kubernetes.io/name", "arcadedb", "app.kubernetes.io/instance", cluster.kube().release());
            for (Service s : List.of(http, headless)) {
                assertEquals(selector, s.getSpec().getSelector(), s.getMetadata().getName());
                assertEquals("Helm", s.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
                assertEquals("arcadedb", s.getMetadata().getLabels().get("app.kubernetes.io/part-of"));
                assertEquals("arcadedb-26.8.1", s.getMetadata().getLabels().get("helm.sh/chart"));
                assertEquals("26.8.1", s.getMetadata().getLabels().get("app.kubernetes.io/version"));
            }
            assertEquals("http", http.getMetadata().getLabels().get("app.kubernetes.io/component"));
            assertEquals("headless", headless.getMetadata().getLabels().get("app.kubernetes.io/component"));
            assertEquals("None", headless.getSpec().getClusterIP());
            assertTrue(headless.getSpec().getPublishNotReadyAddresses());
            assertNotEquals("None", http.getSpec().getClusterIP());
            assertEquals(List.of(2480), http.getSpec().getPorts().stream().map(p -> p.getPort()).toList());
            assertEquals(List.of("http", "raft"), headless.getSpec().getPorts().stream().map(p -> p.getName()).toList());
            List<Pod> selected = cluster.kube().client().pods().withLabels(http.getSpec().getSelector()).list().getItems();
            assertEquals(3, selected.size(), "the client Service's selector matches every pod");
        }
    }

    @Test
    void aNewPodStartsNotReadyAndBecomesReadyOnlyOnceItsNodeAnswersReady() {
        // a restart window long enough to see the replacement pod with a node that answers but is not ready
        try (KubeSim cluster = KubeSim.builder().timings(Timings.fast().withHaStartDelay(Duration.ofMillis(1500))).start()) {
            awaitAllReady(cluster);
            Pod before = pod(cluster, 1);
            assertNotNull(before.getStatus().getStartTime());
            cluster.kube().client().resource(before).delete();
            Seen replaced = Wait.until("a replacement of pod 1 whose node answers /api/v1/ready with 503", POLL, Duration.ofSeconds(10),
                    () -> seen(cluster, 1), s -> s.uid() != null && !s.uid().equals(before.getMetadata().getUid()) && s.backendReady() == 503);
            assertFalse(replaced.podReady(), "not Ready while its node's /api/v1/ready answers 503: " + replaced);

            Pod fresh = pod(cluster, 1);
            String started = fresh.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt();
            assertEquals(fresh.getStatus().getStartTime(), started);
            assertFalse(Instant.parse(started).isBefore(Instant.parse(before.getStatus().getStartTime())), "the new incarnation's start");

            Wait.until("pod 1 Ready", POLL, Duration.ofSeconds(10), () -> seen(cluster, 1), Seen::podReady);
            assertEquals(204, readyStatus(cluster, 1), "Ready because its node is");
            PodCondition condition = pod(cluster, 1).getStatus().getConditions().stream().filter(c -> "ContainersReady".equals(c.getType()))
                    .findFirst().orElseThrow();
            assertEquals("True", condition.getStatus());
            assertTrue(pod(cluster, 1).getStatus().getContainerStatuses().get(0).getReady());
        }
    }

    @Test
    void aReadyPodTurnsNotReadyWhenItsNodeStopsAnsweringReadyAndBackAfterwards() {
        try (KubeSim cluster = KubeSim.builder().timings(Timings.fast()).start()) {
            awaitAllReady(cluster);
            Wait.until("the StatefulSet counting 3 ready replicas", POLL, Duration.ofSeconds(5), () -> cluster.kube().client().apps()
                    .statefulSets().withName(cluster.kube().statefulSetName()).get().getStatus().getReadyReplicas(), n -> n == 3);
            cluster.sim().faults().notStarted(2, true);
            assertEquals(503, readyStatus(cluster, 2));
            Wait.until("pod 2 not Ready", POLL, Duration.ofSeconds(10), () -> ready(pod(cluster, 2)), r -> !r);
            Wait.until("the StatefulSet counting 2 ready replicas", POLL, Duration.ofSeconds(5), () -> cluster.kube().client().apps()
                    .statefulSets().withName(cluster.kube().statefulSetName()).get().getStatus().getReadyReplicas(), n -> n == 2);
            cluster.sim().faults().notStarted(2, false);
            Wait.until("pod 2 Ready again", POLL, Duration.ofSeconds(10), () -> ready(pod(cluster, 2)), r -> r);
        }
    }
}
