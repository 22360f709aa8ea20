package ha.core;

/** One ArcadeDB server of the cluster under test: a pod, or a local process. */
public record Node(int ordinal, String name) {
    @Override
    public String toString() {
        return name;
    }
}
