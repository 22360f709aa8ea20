package ha.kubelet;

import ha.ArcadeClient;
import ha.Endpoint;
import ha.Rows;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The test's own reads: every pod's rows, straight from its real HTTP port, as root with the release Secret's password. */
final class PodReads {
    private PodReads() {
    }

    static String rootPassword(RealPods pods) {
        Secret s = pods.kube().client().secrets().withName(pods.pods().statefulSetName() + "-credentials").get();
        return new String(Base64.getDecoder().decode(s.getData().get("rootPassword")), StandardCharsets.UTF_8);
    }

    /** SELECT marker FROM HaRow on each pod, by pod name. */
    static Map<String, Set<String>> markersOnEveryPod(RealPods pods, int replicas, String database) {
        String password = rootPassword(pods);
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < replicas; i++) {
            String pod = pods.pods().statefulSetName() + "-" + i;
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + pods.pods().httpPort(pod));
            ArcadeClient client = new ArcadeClient(new Endpoint() {
                @Override
                public String name() {
                    return pod;
                }

                @Override
                public java.net.URI baseUri() {
                    return uri;
                }
            }, "root", password);
            Set<String> markers = new TreeSet<>();
            client.query(database, "SELECT marker FROM " + Rows.TYPE, Map.of()).forEach(row -> markers.add(row.path("marker").asText()));
            out.put(pod, markers);
        }
        return out;
    }
}
