package ha.core;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raft peer ids are {@code <host>_<raftPort>} (reference §2.4), e.g.
 * {@code test-arcadedb-2.test-arcadedb.default.svc.cluster.local_2434} or {@code 127.0.0.1_2435}.
 * Everything the suite knows about a peer comes from its id, never from its place in {@code peers[]}.
 */
public final class PeerIds {
    private static final Pattern TRAILING_ORDINAL = Pattern.compile("-(\\d+)$");

    private PeerIds() {
    }

    /** The host part: everything before the last underscore. */
    public static String host(String peerId) {
        int at = peerId.lastIndexOf('_');
        if (at <= 0) {
            throw new IllegalArgumentException("not a peer id (host_port): " + peerId);
        }
        return peerId.substring(0, at);
    }

    /** The Raft port: the digits after the last underscore. */
    public static int raftPort(String peerId) {
        int at = peerId.lastIndexOf('_');
        try {
            return Integer.parseInt(peerId.substring(at + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a peer id (host_port): " + peerId);
        }
    }

    /** The pod ordinal of a StatefulSet pod's id: the digits after the last '-' of the first DNS label. */
    public static OptionalInt podOrdinal(String peerId) {
        String firstLabel = host(peerId).split("\\.", 2)[0];
        Matcher m = TRAILING_ORDINAL.matcher(firstLabel);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** The pod name in a StatefulSet pod's id (its first DNS label). */
    public static String podName(String peerId) {
        return host(peerId).split("\\.", 2)[0];
    }

    /** The id a pod of the chart computes for itself. */
    public static String forPod(String pod, String headlessService, String namespace, String clusterDomain, int raftPort) {
        return pod + "." + headlessService + "." + namespace + ".svc." + clusterDomain + "_" + raftPort;
    }
}
