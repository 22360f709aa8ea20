package ha.target.local;

import ha.core.Node;
import ha.target.Target;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * What the kubelet does for the chart's pods, done for local server processes: a readiness probe per running process,
 * {@code GET /api/v1/ready} without credentials, with the chart's default probe settings (values.yaml
 * {@code probes.readiness}; ChartDefaultsTest keeps them equal). A process starts not ready; it becomes ready after
 * {@link #SUCCESS_THRESHOLD} probes in a row answer 2xx/3xx and stops being ready after {@link #FAILURE_THRESHOLD}
 * in a row do not. A process that is being stopped or killed is not ready from that moment, as a terminating pod
 * leaves its Service's endpoints at once. The result is what the chart's client Service would route to.
 */
public final class ReadinessProbes implements AutoCloseable {
    public static final Duration INITIAL_DELAY = Duration.ZERO;
    public static final Duration PERIOD = Duration.ofSeconds(5);
    public static final Duration TIMEOUT = Duration.ofSeconds(3);
    public static final int FAILURE_THRESHOLD = 3;
    public static final int SUCCESS_THRESHOLD = 1;

    /** One process's probe state. */
    private static final class State {
        final String incarnation;
        final long startedMillis;
        volatile boolean ready;
        volatile int successes;
        volatile int failures;
        volatile String last = "not probed yet";
        volatile boolean stopped;
        volatile ScheduledFuture<?> task;

        State(String incarnation, long startedMillis) {
            this.incarnation = incarnation;
            this.startedMillis = startedMillis;
        }
    }

    private final Duration period;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "ha-readiness-probe");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, State> states = new ConcurrentHashMap<>();

    /** Probes every {@code period} (the chart's: {@link #PERIOD}). */
    public ReadinessProbes(Duration period) {
        this.period = period;
    }

    /**
     * A new incarnation of node {@code ordinal} was started: not ready until its probes say so. {@code probe} sends one
     * readiness request with {@link #TIMEOUT} and returns the HTTP status (an exception: no answer).
     */
    public void started(int ordinal, String incarnation, long startedMillis, IntSupplier probe) {
        State state = new State(incarnation, startedMillis);
        State old = states.put(ordinal, state);
        if (old != null && old.task != null) {
            old.task.cancel(false);
        }
        state.task = scheduler.scheduleWithFixedDelay(() -> probe(state, probe), INITIAL_DELAY.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Node {@code ordinal} is being stopped or killed: not ready from now on, no more probes. */
    public void stopping(int ordinal, String why) {
        State state = states.get(ordinal);
        if (state != null) {
            synchronized (state) {
                state.stopped = true;
                state.ready = false;
                state.last = why;
                if (state.task != null) {
                    state.task.cancel(false);
                }
            }
        }
    }

    private static void probe(State state, IntSupplier probe) {
        int status;
        try {
            status = probe.getAsInt();
        } catch (RuntimeException e) {
            status = -1;
        }
        synchronized (state) {
            record(state, status);
        }
    }

    private static void record(State state, int status) {
        if (state.stopped) {
            return;   // an answer that arrives after the stop began changes nothing
        }
        if (status >= 200 && status < 400) {
            state.failures = 0;
            state.successes++;
            if (state.successes >= SUCCESS_THRESHOLD) {
                state.ready = true;
            }
            state.last = "probe answered " + status;
        } else {
            state.successes = 0;
            state.failures++;
            if (state.failures >= FAILURE_THRESHOLD) {
                state.ready = false;
            }
            state.last = (status < 0 ? "probe got no answer" : "probe answered " + status) + " (" + state.failures + " in a row)";
        }
    }

    /**
     * {@code node} as the chart's client Service would see it now, given its current incarnation and whether that runs
     * ({@code processState} says how it ended when it does not).
     */
    public Target.ServiceState state(Node node, String incarnation, long startedMillis, boolean running, String processState) {
        State state = states.get(node.ordinal());
        if (!running) {
            return new Target.ServiceState(node, false, startedMillis, processState);
        }
        if (state == null || !state.incarnation.equals(incarnation)) {
            return new Target.ServiceState(node, false, startedMillis, "not probed yet");
        }
        synchronized (state) {
            return new Target.ServiceState(node, state.ready, state.startedMillis, state.last);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
