package ha.target.local;

import ha.client.ArcadeClient;
import ha.core.PhaseFailure;
import ha.core.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The waits of the local target for its own processes: ready (/api/v1/ready 204) or merely answering
 * (/api/v1/health 204). A process that exits while waited for fails the wait at once, with its log's tail.
 */
final class LocalWaits {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int TAIL_LINES = 20;

    private final Function<LocalNode, ArcadeClient> clients;

    LocalWaits(Function<LocalNode, ArcadeClient> clients) {
        this.clients = clients;
    }

    /** What the nodes being waited for show: their /api/v1/ready status or why there is none. */
    private record Starts(Map<LocalNode, String> states, List<LocalNode> exited) {
        boolean ready() {
            return states.values().stream().allMatch("ready"::equals);
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            states.forEach((n, s) -> parts.add(n.name() + ": " + s));
            return "{" + String.join("; ", parts) + "}";
        }
    }

    private Starts observe(List<LocalNode> nodes) {
        Map<LocalNode, String> states = new LinkedHashMap<>();
        List<LocalNode> exited = new ArrayList<>();
        for (LocalNode n : nodes) {
            if (!n.running()) {
                states.put(n, n.state());
                exited.add(n);
                continue;
            }
            try {
                int status = clients.apply(n).anonymous().ready();
                states.put(n, status == 204 ? "ready" : "/api/v1/ready answered " + status);
            } catch (RuntimeException e) {
                states.put(n, "no answer on port " + n.ports().http());
            }
        }
        return new Starts(states, exited);
    }

    /**
     * Waits until every one of {@code nodes} runs and answers /api/v1/ready with 204. A process that
     * exits, or a node not ready in time, fails with its name, port and the last lines of its log.
     */
    void awaitReady(List<LocalNode> nodes, String description, Duration timeout) {
        Starts seen;
        try {
            seen = Wait.until(description, POLL, timeout, () -> observe(nodes), s -> s.ready() || !s.exited().isEmpty());
        } catch (Wait.WaitTimeoutException e) {
            StringBuilder sb = new StringBuilder(e.getMessage());
            for (LocalNode n : nodes) {
                if (!observe(List.of(n)).ready()) {
                    sb.append("\n  ").append(n.label()).append(" is not ready; ").append(n.tail(TAIL_LINES));
                }
            }
            throw new PhaseFailure(sb.toString());
        }
        if (!seen.exited().isEmpty()) {
            LocalNode n = seen.exited().get(0);
            throw new PhaseFailure(n.label() + " " + n.state() + " before /api/v1/ready answered 204 (expected a running server); "
                    + n.tail(TAIL_LINES));
        }
    }

    /** Waits until every one of {@code nodes} runs and answers /api/v1/health with 204 (not necessarily ready). */
    void awaitAnswering(List<LocalNode> nodes, String description, Duration timeout) {
        Wait.until(description, POLL, timeout, () -> {
            Map<String, String> states = new LinkedHashMap<>();
            for (LocalNode n : nodes) {
                if (!n.running()) {
                    throw new PhaseFailure(n.label() + " " + n.state() + " before /api/v1/health answered (expected a running server); "
                            + n.tail(TAIL_LINES));
                }
                try {
                    states.put(n.name(), "health " + clients.apply(n).anonymous().health());
                } catch (RuntimeException e) {
                    states.put(n.name(), "no answer on port " + n.ports().http());
                }
            }
            return states;
        }, states -> states.values().stream().allMatch("health 204"::equals));
    }
}
