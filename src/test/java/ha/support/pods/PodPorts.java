package ha.support.pods;

import ha.target.local.LocalPorts;


/** The free local ports that stand in for one pod's HTTP, HTTPS and Raft container ports. */
record PodPorts(int http, int https, int raft) {
    static PodPorts allocate(String pod, int ordinal) {
        LocalPorts ports = LocalPorts.allocate(null, ordinal, pod);
        return new PodPorts(ports.http(), ports.https(), ports.raft());
    }

    /** The local port of a role named like a container port ("http", "https", "raft"), or -1. */
    int byName(String name) {
        return switch (name) {
            case "http" -> http;
            case "https" -> https;
            case "raft", "rpc" -> raft;
            default -> -1;
        };
    }

    @Override
    public String toString() {
        return "HTTP " + http + ", HTTPS " + https + ", Raft " + raft;
    }
}
