package ha.run;

import ha.check.Rows;
import ha.client.ClusterStatus;
import ha.core.Log;
import ha.core.Node;
import ha.core.Wait;
import ha.target.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of numbered inserts while a phase disturbs the cluster, sent where {@code --write-via} says
 * ({@link WriteVia}): by default to the nodes the chart's client Service routes to, in turn. Each marker is sent once;
 * every attempt, with the node it went to, whether that node was ready by the writer's last look, and its outcome, is
 * recorded in the run's {@link History} by {@link Rows#insert}, where the {@link Checker} judges it afterwards. A tick
 * with nowhere to send (no ready node, no node that says it leads) sends nothing: that time counts as unavailable.
 */
public final class BackgroundWriter implements AutoCloseable {
    /** How long one look at the nodes' readiness is reused (a Kubernetes look is one pod list call). */
    static final Duration VIEW_REUSE = Duration.ofMillis(200);

    private final Target target;
    private final Rows rows;
    private final WriteVia via;
    private final String prefix;
    private final String phase;
    private final int maxRows;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger notAcknowledged = new AtomicInteger();
    private final AtomicInteger idleTicks = new AtomicInteger();
    private final long startedMillis = System.currentTimeMillis();
    private volatile long stoppedMillis = -1;
    private volatile Node leader;
    private volatile List<Target.ServiceState> view;
    private volatile long viewAtNanos;
    private volatile String lastError = "none";

    /**
     * Starts writing at once through {@code target}'s nodes as {@code via} says, one insert every {@code interval}, at most
     * {@code maxRows} in all, each recorded under {@code phase}.
     */
    public BackgroundWriter(Target target, Rows rows, WriteVia via, String phase, String prefix, Duration interval, int maxRows) {
        this.target = target;
        this.rows = rows;
        this.via = via;
        this.prefix = prefix;
        this.phase = phase;
        this.maxRows = maxRows;
        if (via == WriteVia.SERVICE) {
            target.serviceView();   // a target without a client Service fails here, with its reason, not in the writer
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ha-writer-" + phase);
            t.setDaemon(true);
            return t;
        });
        Log.step("background writer: one insert every %d ms, sent to %s (--write-via %s)", interval.toMillis(), via.describe(), via);
        scheduler.scheduleWithFixedDelay(this::writeOne, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void writeOne() {
        if (sequence.get() >= maxRows) {
            return;
        }
        List<Target.ServiceState> seen = look();
        Node through = switch (via) {
            case SERVICE -> nextReady(seen);
            case LEADER -> selfDeclaredLeader();
            case EVERY_NODE -> nextOf(target.nodes());
        };
        if (through == null) {
            idleTicks.incrementAndGet();
            return;   // nowhere to send right now: nothing was sent, the next tick looks again
        }
        Target.ServiceState state = seen == null ? null
                : seen.stream().filter(s -> s.node().equals(through)).findFirst().orElse(null);
        String marker = String.format("%s-%05d", prefix, sequence.incrementAndGet());
        try {
            rows.insert(through, marker, phase, null, state);
            acknowledged.incrementAndGet();
        } catch (RuntimeException e) {
            notAcknowledged.incrementAndGet();
            lastError = e.getMessage();
            leader = null;
        }
    }

    /** The nodes' readiness as the client Service sees it, looked at again when the last look is older than {@link #VIEW_REUSE}. */
    private List<Target.ServiceState> look() {
        long now = System.nanoTime();
        if (view == null || now - viewAtNanos > VIEW_REUSE.toNanos()) {
            try {
                view = target.serviceView();
                viewAtNanos = now;
            } catch (RuntimeException e) {
                lastError = "cannot see which nodes are ready: " + e.getMessage();
                if (via == WriteVia.SERVICE) {
                    view = null;
                }
            }
        }
        return view;
    }

    private Node nextReady(List<Target.ServiceState> seen) {
        if (seen == null) {
            return null;
        }
        List<Node> ready = seen.stream().filter(Target.ServiceState::ready).map(Target.ServiceState::node).toList();
        return nextOf(ready);
    }

    private Node nextOf(List<Node> nodes) {
        return nodes.isEmpty() ? null : nodes.get(Math.floorMod(turn.getAndIncrement(), nodes.size()));
    }

    /**
     * The node that answers GET /api/v1/cluster with isLeader (and leaderReady, where the version has it), asked of each
     * node in turn; kept until a write through it fails. A hint (another node's leaderId) is never followed: it names a
     * killed leader for seconds, whose restarting process would acknowledge writes it never replicates.
     */
    private Node selfDeclaredLeader() {
        Node known = leader;
        if (known != null) {
            return known;
        }
        for (Node node : target.nodes()) {
            try {
                ClusterStatus status = target.client(node).cluster();
                if (status.leader() && !Boolean.FALSE.equals(status.leaderReady())) {
                    leader = node;
                    return node;
                }
            } catch (RuntimeException e) {
                lastError = e.getMessage();
            }
        }
        return null;
    }

    /** Waits until at least {@code count} more inserts were acknowledged than now. */
    public void awaitMoreAcknowledged(int count, Duration timeout) {
        int goal = acknowledged.get() + count;
        Wait.until(count + " more writes acknowledged by the cluster", Wait.HTTP_POLL, timeout, this::progress,
                p -> p.acknowledged() >= goal);
    }

    /** Counts so far, printable as the state a wait last saw. */
    public record Progress(int acknowledged, int notAcknowledged, int idleTicks, String lastError) {
        @Override
        public String toString() {
            return acknowledged + " acknowledged, " + notAcknowledged + " not acknowledged, " + idleTicks
                    + " ticks with nowhere to send (last error: " + lastError + ")";
        }
    }

    public Progress progress() {
        return new Progress(acknowledged.get(), notAcknowledged.get(), idleTicks.get(), lastError);
    }

    /** Stops writing and waits for an insert in flight to finish. */
    public void stop() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stoppedMillis < 0) {
            stoppedMillis = System.currentTimeMillis();
        }
    }

    /** When the writer started (epoch millis). */
    public long startedMillis() {
        return startedMillis;
    }

    /** When {@link #stop()} finished (epoch millis), or now while it still writes. */
    public long stoppedMillis() {
        return stoppedMillis < 0 ? System.currentTimeMillis() : stoppedMillis;
    }

    /** The marker prefix every row of this writer starts with. */
    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
