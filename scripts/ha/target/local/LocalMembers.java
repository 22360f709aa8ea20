package ha.target.local;

import ha.core.Node;
import ha.core.PhaseFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The local cluster's nodes: every node ever created, by ordinal, and how many of them the cluster has now (the
 * StatefulSet's replicas). Nodes at or above the size keep their ports and folders, as scaled-down pods keep PVCs.
 */
final class LocalMembers {
    private final List<LocalNode> all = new CopyOnWriteArrayList<>();
    private final Integer basePort;
    private final Path workDir;
    private volatile int size;

    LocalMembers(Integer basePort, Path workDir) {
        this.basePort = basePort;
        this.workDir = workDir;
    }

    int size() {
        return size;
    }

    /** Sets the size, creating (ports, folder) the nodes below it that did not exist yet. */
    synchronized void resize(int replicas) {
        while (all.size() < replicas) {
            int i = all.size();
            String name = "arcadedb-" + i;
            all.add(new LocalNode(i, name, LocalPorts.allocate(basePort, i, name), workDir.resolve(name)));
        }
        size = replicas;
    }

    /** Every node ever created, members or not. */
    List<LocalNode> all() {
        return all;
    }

    /** The nodes of the current size, in ordinal order. */
    List<LocalNode> members() {
        return new ArrayList<>(all.subList(0, size));
    }

    List<Node> nodes() {
        return members().stream().map(LocalNode::node).toList();
    }

    LocalNode get(int ordinal) {
        return all.get(ordinal);
    }

    /** The local node of a {@link Node}, checked to belong to this cluster. */
    LocalNode of(Node node) {
        if (node.ordinal() < 0 || node.ordinal() >= all.size() || !all.get(node.ordinal()).name().equals(node.name())) {
            throw new PhaseFailure("expected a node of this local cluster, saw " + node + " (nodes: " + nodes() + ")");
        }
        return all.get(node.ordinal());
    }
}
