package ha.run;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/**
 * Where the disruptive phases' background writer sends its inserts ({@code --write-via}).
 * <ul>
 *   <li>{@link #SERVICE}: a round robin over the nodes the chart's client Service routes to at that moment (ready pods
 *       it selects; locally, nodes whose readiness probe says ready): the way applications reach the cluster. While no
 *       node is ready nothing is sent, and that time counts as unavailable.</li>
 *   <li>{@link #LEADER}: the node that itself answers that it leads (and, where the version reports it, that its
 *       leadership is ready), found again after every failed write; another node's leaderId is never taken.</li>
 *   <li>{@link #EVERY_NODE}: every node in turn, ready or not, as Jepsen's clients do: for finding server defects that the
 *       Service hides (a restarting ArcadeDB 26.8.1 node acknowledges writes before it rejoins, and loses them).</li>
 * </ul>
 */
public enum WriteVia {
    SERVICE("service"), LEADER("leader"), EVERY_NODE("every-node");

    /** The old name of {@link #EVERY_NODE}, still accepted. */
    public static final String EVERY_NODE_ALIAS = "all";

    private final String label;

    WriteVia(String label) {
        this.label = label;
    }

    /** The name on the command line. */
    public String label() {
        return label;
    }

    /** How a log line says where writes go. */
    public String describe() {
        return switch (this) {
            case SERVICE -> "round robin over the nodes the client Service routes to (ready nodes)";
            case LEADER -> "the node that answers it leads";
            case EVERY_NODE -> "every node in turn, ready or not";
        };
    }

    @Override
    public String toString() {
        return label;
    }

    /** service, leader, every-node (or all). */
    public static WriteVia parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals(EVERY_NODE_ALIAS)) {
            return EVERY_NODE;
        }
        for (WriteVia v : values()) {
            if (v.label.equals(t)) {
                return v;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a place to send writes to; expected one of "
                + String.join(", ", Arrays.stream(values()).map(WriteVia::label).toList()) + " (or " + EVERY_NODE_ALIAS + " for every-node)");
    }

    /** picocli converter for {@code --write-via}. */
    public static final class Converter implements ITypeConverter<WriteVia> {
        @Override
        public WriteVia convert(String value) {
            return parse(value);
        }
    }

    /** The names --help lists. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("service", "leader", "every-node").iterator();
        }
    }
}
