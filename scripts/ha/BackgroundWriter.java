package ha;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of numbered inserts through whichever node is the leader, while a phase disturbs
 * the cluster. It records which inserts ArcadeDB acknowledged (2xx) and which it did not: afterwards
 * every acknowledged row must exist on every node; unacknowledged ones may or may not.
 */
public final class BackgroundWriter implements AutoCloseable {
    private final Target target;
    private final Rows rows;
    private final String prefix;
    private final String phase;
    private final int maxRows;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger sequence = new AtomicInteger();
    private final Set<String> acknowledged = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Set<String> unacknowledged = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile Node leader;
    private volatile String lastError = "none";

    /** Starts writing at once, one insert every {@code interval}, at most {@code maxRows} in all. */
    public BackgroundWriter(Target target, Rows rows, String prefix, String phase, Duration interval, int maxRows) {
        this.target = target;
        this.rows = rows;
        this.prefix = prefix;
        this.phase = phase;
        this.maxRows = maxRows;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ha-writer-" + phase);
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::writeOne, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void writeOne() {
        int n = sequence.get();
        if (n >= maxRows) {
            return;
        }
        Node through = leader;
        if (through == null) {
            through = findLeader();
            if (through == null) {
                return;   // no leader known right now: try again next tick, nothing was sent
            }
        }
        String marker = String.format("%s-%05d", prefix, sequence.incrementAndGet());
        try {
            rows.insert(through, marker, phase);
            acknowledged.add(marker);
        } catch (RuntimeException e) {
            unacknowledged.add(marker);
            lastError = e.getMessage();
            leader = null;
        }
    }

    private Node findLeader() {
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
        int goal = acknowledged().size() + count;
        Wait.until(count + " more writes acknowledged by the cluster", Wait.HTTP_POLL, timeout, this::progress,
                p -> p.acknowledged() >= goal);
    }

    /** Counts so far, printable as the state a wait last saw. */
    public record Progress(int acknowledged, int unacknowledged, String lastError) {
        @Override
        public String toString() {
            return acknowledged + " acknowledged, " + unacknowledged + " not acknowledged (last error: " + lastError + ")";
        }
    }

    public Progress progress() {
        return new Progress(acknowledged.size(), unacknowledged.size(), lastError);
    }

    /** Stops writing and waits for an insert in flight to finish. */
    public void stop() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Set<String> acknowledged() {
        synchronized (acknowledged) {
            return new LinkedHashSet<>(acknowledged);
        }
    }

    public List<String> unacknowledged() {
        synchronized (unacknowledged) {
            return new ArrayList<>(unacknowledged);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
