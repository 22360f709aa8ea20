package ha.target.local;

import ha.core.Log;
import ha.core.PhaseSkipped;
import ha.core.SuiteException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Network cuts between local nodes (the partition phase): peers by name, each (from, to) pair at a loopback address
 * of its own, and {@link LocalNetwork}'s nft table dropping the pairs that are cut. Without named peers, root or nft,
 * there is no table and {@link #whyNot()} says why.
 */
final class LocalCuts {
    private volatile LocalNetwork network;
    private volatile String whyNot = "the local servers were started without named peers (no phase that cuts the network was selected)";

    /** Installs the table for the ports of {@code nodes} and names every node's peers, or records why it cannot. */
    void prepare(List<LocalNode> nodes) {
        String why = LocalNetwork.unavailableReason();
        if (why != null) {
            whyNot = why;
            Log.step("no network cuts on this machine: %s", why);
            return;
        }
        List<Integer> ports = new ArrayList<>();
        for (LocalNode n : nodes) {
            ports.addAll(List.of(n.ports().http(), n.ports().https(), n.ports().raft()));
        }
        network = LocalNetwork.install(ports);
        for (LocalNode n : nodes) {
            n.peerHost(n.name());
        }
        whyNot = null;
    }

    boolean active() {
        return network != null;
    }

    String whyNot() {
        return whyNot;
    }

    /** The nft table, or null without cuts. */
    String table() {
        return network == null ? null : network.table();
    }

    /** Before a node starts: its peers (every node so far) at their pair addresses, in its own hosts file. */
    void writeHostsFile(LocalNode node, List<LocalNode> all) {
        node.peerHost(node.name());
        List<String> names = all.stream().map(LocalNode::name).toList();
        try {
            Files.createDirectories(node.dir());
            Files.writeString(node.hostsFile(), LocalNetwork.hostsFile(node.ordinal(), node.name(), names));
        } catch (IOException e) {
            throw new SuiteException("cannot write the hosts file of " + node.name() + ": " + e.getMessage());
        }
    }

    synchronized void cut(List<LocalNode> sideA, List<LocalNode> sideB) {
        if (network == null) {
            throw new PhaseSkipped(whyNot);
        }
        network.cut(sideA.stream().map(LocalNode::ordinal).toList(), sideB.stream().map(LocalNode::ordinal).toList());
        Log.step("nft: cut %s from %s (table inet %s, %d pair addresses dropped)", names(sideA), names(sideB), network.table(),
                network.cutAddresses().size());
    }

    synchronized void heal() {
        if (network != null && !network.cutAddresses().isEmpty()) {
            network.heal();
            Log.step("nft: cut lifted (table inet %s emptied)", network.table());
        }
    }

    void remove() {
        if (network != null) {
            network.remove();
        }
    }

    static String names(List<LocalNode> nodes) {
        return nodes.stream().map(LocalNode::name).toList().toString();
    }
}
