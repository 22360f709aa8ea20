/**
 * An in-process simulator of an ArcadeDB Raft HA cluster's HTTP API, for testing the HA suite without Kubernetes
 * or ArcadeDB (reference: arcadedb-ha-api.md and arcadedb-local-processes.md).
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (ClusterSimulator sim = ClusterSimulator.builder().nodes(3).version("26.8.1").timings(Timings.fast()).build()) {
 *     int port = sim.httpPort(0);              // http://127.0.0.1:port/api/v1/cluster, Basic root:<password>
 *     sim.killNode(sim.leaderOrdinal());      // followers name the dead leader, then elect another
 *     sim.faults().stallFollower(2, true);    // and so on
 * }
 * }</pre>
 *
 * <h2>Model</h2>
 * <ul>
 * <li>One Raft log (index = transaction id); each node holds a prefix up to its lastIndex and has applied it up to
 * appliedIndex; databases are the applied state. The leader ships new entries within a tenth of
 * {@link ha.sim.Timings#replicationDelay()} (followers append and acknowledge, the leader commits and answers the
 * write), and runs a heartbeat round every replicationDelay; followers learn a commit (and apply it)
 * replicationDelay after it happened.</li>
 * <li>Elections: electionDelay after a cold start the lowest-ordinal node with the longest log among a running
 * majority of the configured members wins; after the leader dies, failoverDetection passes, every node reports
 * leaderId null for leaderNullWindow, then a successor is elected (none without a majority or under neverElect).
 * A leader that loses its majority steps down after failoverDetection.</li>
 * <li>Replica status: a tick unknownWindow after a leader change, then every statusTick, classifies each follower
 * by the rules of §2.3 (rules 2 and 3 only on 26.8.1+).</li>
 * <li>Snapshots: every node snapshots every arcadedb.ha.snapshotThreshold applied entries and purges its log up to the
 * snapshot when arcadedb.ha.logPurgeGap allows (log segments are not modelled). A follower that needs purged entries
 * gets a snapshot install: the §5.5 log lines, snapshotInstallDelay, the last tenth of it answering 503 on every
 * route (§1.3), then the leader's databases.</li>
 * </ul>
 *
 * <h2>Deviations from the real server (deliberate)</h2>
 * <ul>
 * <li>Settings are cluster-wide and take effect at once ({@link ha.sim.ClusterSimulator#setSetting}).</li>
 * <li>Durations the reference gives in real seconds are scaled with the timings: quorumTimeout and
 * peerUnreachableThreshold = 10/7 x failoverDetection, forwardLeaderWaitTimeoutMs = 20/7 x, the never-appended
 * STALLED grace = 60/7 x, the add-peer retry budget = 90/7 x, startup (ONLINE) = electionDelay / 5. The security
 * lockout (5 failures in 30 s lock the user for 30 s) is not scaled.</li>
 * <li>Every retryable write failure answers 503 (NeedRetryException / QuorumNotReachedException) on every version,
 * including writes during the short not-ready window of a fresh leader.</li>
 * <li>The idempotency cache (X-Request-Id, §1.5) replays successful answers only.</li>
 * <li>Log lines carry a "date time LEVEL [Class] &lt;server&gt; " prefix; match them with contains.</li>
 * </ul>
 */
package ha.sim;
