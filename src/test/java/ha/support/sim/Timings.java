package ha.support.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * The simulated clock of a {@link ClusterSimulator}: how long the things that take time in a real ArcadeDB
 * Raft cluster take. {@link #realistic()} follows the observations in arcadedb-local-processes.md;
 * {@link #fast()} has the same shape, about 20 to 50 times faster, for tests.
 *
 * <p>Some further durations of the real server are derived from these (see the methods below), so that a
 * faster clock also speeds them up. A setting given with {@link ClusterSimulator#setSetting} in milliseconds
 * (for example {@code arcadedb.ha.quorumTimeout}) overrides the derived value literally.
 *
 * @param electionDelay        from a cold start until the first leader is elected (real: about 15 s)
 * @param transferDelay        a leadership transfer call takes this long before it answers (real: about 3.5 s)
 * @param leaderNullWindow     every node reports {@code leaderId: null} this long during a leader change (real: about 100 ms)
 * @param unknownWindow        followers show {@code replicaStatus: UNKNOWN} this long after a leader change (real: 5 s)
 * @param replicationDelay     interval of the leader's append/heartbeat rounds; a write commits within one round and
 *                             followers apply it within about two (real: well under 1 s)
 * @param statusTick           interval of the leader's replica-status classification (real: 5 s)
 * @param failoverDetection    followers keep naming a dead leader this long before electing another (real: about 7 s)
 * @param joinDelay            a new node of 26.8.1+ asks to join this long after it is up (and retries at this pace)
 * @param snapshotInstallDelay a follower's snapshot install (download plus swap) takes this long
 * @param haStartDelay         the restart window: every start of a node answers HTTP this long before its HA plugin has
 *                             started and the server is ONLINE (real 26.8.1, 2 busy cores: 3.7 to 7.8 s from "HTTP Server
 *                             started" to "Raft HA plugin started successfully" over 5 restarts)
 */
public record Timings(Duration electionDelay, Duration transferDelay, Duration leaderNullWindow, Duration unknownWindow,
                      Duration replicationDelay, Duration statusTick, Duration failoverDetection, Duration joinDelay,
                      Duration snapshotInstallDelay, Duration haStartDelay) {

    public Timings {
        for (Duration d : new Duration[] {electionDelay, transferDelay, leaderNullWindow, unknownWindow, replicationDelay,
                statusTick, failoverDetection, joinDelay, snapshotInstallDelay, haStartDelay}) {
            Objects.requireNonNull(d, "timing");
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative timing: " + d);
            }
        }
        if (replicationDelay.isZero() || statusTick.isZero()) {
            throw new IllegalArgumentException("replicationDelay and statusTick must be positive");
        }
    }

    /** The first nine timings, with the restart window a fifth of the election delay. */
    public Timings(Duration electionDelay, Duration transferDelay, Duration leaderNullWindow, Duration unknownWindow,
                   Duration replicationDelay, Duration statusTick, Duration failoverDetection, Duration joinDelay,
                   Duration snapshotInstallDelay) {
        this(electionDelay, transferDelay, leaderNullWindow, unknownWindow, replicationDelay, statusTick, failoverDetection,
                joinDelay, snapshotInstallDelay, electionDelay.dividedBy(5));
    }

    /** The timings observed on a real 3-node cluster (arcadedb-local-processes.md). */
    public static Timings realistic() {
        return new Timings(Duration.ofSeconds(15), Duration.ofMillis(3500), Duration.ofMillis(100), Duration.ofSeconds(5),
                Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(7), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(5));
    }

    /** The same shape as {@link #realistic()}, about 20-50x faster, for tests. */
    public static Timings fast() {
        return new Timings(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(40), Duration.ofMillis(300),
                Duration.ofMillis(30), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(300), Duration.ofMillis(200),
                Duration.ofMillis(60));
    }

    /** These timings with another restart window (tests that send requests into it want a longer one). */
    public Timings withHaStartDelay(Duration window) {
        return new Timings(electionDelay, transferDelay, leaderNullWindow, unknownWindow, replicationDelay, statusTick,
                failoverDetection, joinDelay, snapshotInstallDelay, window);
    }

    /** {@code arcadedb.ha.peerUnreachableThreshold}: 10 s against a 7 s failover detection. */
    public Duration peerUnreachableThreshold() {
        return failoverDetection.multipliedBy(10).dividedBy(7);
    }

    /** {@code arcadedb.ha.quorumTimeout}: 10 s against a 7 s failover detection. */
    public Duration quorumTimeout() {
        return failoverDetection.multipliedBy(10).dividedBy(7);
    }

    /** {@code arcadedb.ha.forwardLeaderWaitTimeoutMs}: 20 s against a 7 s failover detection. */
    public Duration forwardLeaderWait() {
        return failoverDetection.multipliedBy(20).dividedBy(7);
    }

    /** {@code arcadedb.ha.stalledReplicaResyncDurationMs}, the never-appended STALLED grace: 60 s against 7 s. */
    public Duration stalledGrace() {
        return failoverDetection.multipliedBy(60).dividedBy(7);
    }

    /** How long an add-peer call retries before it gives up with 500: 90 s against 7 s. */
    public Duration addPeerTimeout() {
        return failoverDetection.multipliedBy(90).dividedBy(7);
    }
}
