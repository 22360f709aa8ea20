package ha.support.pods;

import ha.support.real.IndependentCheck;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test's own reads: every pod's rows, straight from its real HTTP port over plain HTTP (none of the suite's client
 * code), as root with the release Secret's password.
 */
public final class PodReads {
    private PodReads() {
    }

    static String rootPassword(RealPods pods) {
        Secret s = pods.kube().client().secrets().withName(pods.pods().statefulSetName() + "-credentials").get();
        return new String(Base64.getDecoder().decode(s.getData().get("rootPassword")), StandardCharsets.UTF_8);
    }

    /** SELECT marker FROM HaRow on each of the first {@code replicas} pods, duplicates kept, by pod name. */
    public static Map<String, List<String>> markersOnEveryPod(RealPods pods, int replicas, String database) throws Exception {
        String password = rootPassword(pods);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < replicas; i++) {
            String pod = pods.pods().statefulSetName() + "-" + i;
            out.put(pod, IndependentCheck.markersOverHttp(URI.create("http://127.0.0.1:" + pods.pods().httpPort(pod) + "/"), database, password));
        }
        return out;
    }
}
