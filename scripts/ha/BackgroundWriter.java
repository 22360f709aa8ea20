package ha;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of numbered inserts while a phase disturbs the cluster, sent the way {@code --write-via}
 * says: to whichever node leads, or to every node in turn as clients behind the chart's client Service do
 * (a follower forwards a write to the leader). Each marker is sent once; every attempt, with the node it
 * went to and its outcome, is recorded in the run's {@link History} by {@link Rows#insert}, where the
 * {@link Checker} judges it afterwards.
 */
public final class BackgroundWriter implements AutoCloseable {
    private final Target target;
    private final Rows rows;
    private final CommonOptions.WriteVia via;
    private final String prefix;
    private final String phase;
    private final int maxRows;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger notAcknowledged = new AtomicInteger();
    private final long startedMillis = System.currentTimeMillis();
    private volatile long stoppedMillis = -1;
    private volatile Node leader;
    private volatile String lastError = "none";

    /** Starts writing at once, one insert every {@code interval}, at most {@code maxRows} in all. */
    public BackgroundWriter(PhaseContext ctx, String prefix, Duration interval, int maxRows) {
        this.target = ctx.target();
        this.rows = ctx.rows();
        this.via = ctx.writeVia();
        this.prefix = prefix;
        this.phase = ctx.phase();
        this.maxRows = maxRows;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ha-writer-" + phase);
            t.setDaemon(true);
            return t;
        });
        Log.step("background writer: one insert every %d ms, sent to %s", interval.toMillis(),
                via == CommonOptions.WriteVia.leader ? "the leader" : "every node in turn");
        scheduler.scheduleWithFixedDelay(this::writeOne, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void writeOne() {
        int n = sequence.get();
        if (n >= maxRows) {
            return;
        }
        Node through = via == CommonOptions.WriteVia.leader ? leaderOrNull() : nextInTurn(n);
        if (through == null) {
            return;   // no leader known right now: try again next tick, nothing was sent
        }
        String marker = String.format("%s-%05d", prefix, sequence.incrementAndGet());
        try {
            rows.insert(through, marker, phase);
            acknowledged.incrementAndGet();
        } catch (RuntimeException e) {
            notAcknowledged.incrementAndGet();
            lastError = e.getMessage();
            leader = null;
        }
    }

    private Node nextInTurn(int n) {
        List<Node> nodes = target.nodes();
        return nodes.isEmpty() ? null : nodes.get(n % nodes.size());
    }

    private Node leaderOrNull() {
        if (leader != null) {
            return leader;
        }
        for (Node node : target.nodes()) {
            try {
                String id = target.client(node).cluster().leaderId();
                if (id != null) {
                    leader = target.nodeOfPeer(id);
                    return leader;
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
    public record Progress(int acknowledged, int notAcknowledged, String lastError) {
        @Override
        public String toString() {
            return acknowledged + " acknowledged, " + notAcknowledged + " not acknowledged (last error: " + lastError + ")";
        }
    }

    public Progress progress() {
        return new Progress(acknowledged.get(), notAcknowledged.get(), lastError);
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
