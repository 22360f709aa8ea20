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
 * {@link ha.support.sim.Timings#replicationDelay()} (followers append and acknowledge, the leader commits and answers the
 * write), and runs a heartbeat round every replicationDelay; followers learn a commit (and apply it)
 * replicationDelay after it happened.</li>
 * <li>Elections: electionDelay after a cold start the lowest-ordinal node with the longest log among a running
 * majority of the configured members wins; after the leader dies, failoverDetection passes, every node reports
 * leaderId null for leaderNullWindow, then a successor is elected (none without a majority or under neverElect).
 * A leader that stopped (killed or gracefully) and was started again within failoverDetection wins that election
 * itself, in a higher term, when its log is as long as the longest: real 26.8.1 servers did so 4 of 4 times after
 * {@code kill -9} and an immediate restart (arcadedb-local-processes.md). The sim-only setting
 * {@code sim.restartedLeaderWins=false} turns that off. A leader that loses its majority steps down after
 * failoverDetection.</li>
 * <li>electionCount: every leader-change notification a node is told about counts, "leader unknown" included, so a
 * failover adds 2 on every survivor (even when the same node wins again); a restarted node starts from 0.</li>
 * <li>Stops: {@link ha.support.sim.ClusterSimulator#killNode} is a crash (kill -9), {@link ha.support.sim.ClusterSimulator#stopNode}
 * a graceful stop (SIGTERM): it logs "ArcadeDB Server is shutting down" and, on 26.7.3 in Kubernetes mode only,
 * leaves the Raft configuration first when quorum allows (reference §10.3); on 26.8.1+ a graceful stop never leaves,
 * so the node is still a member when it comes back. Otherwise both behave alike.</li>
 * <li>Replica status: a tick unknownWindow after a leader change, then every statusTick, classifies each follower
 * by the rules of §2.3 (rules 2 and 3 only on 26.8.1+).</li>
 * <li>Snapshots: every node snapshots every arcadedb.ha.snapshotThreshold applied entries; at a snapshot it purges
 * its log when the snapshot is at least arcadedb.ha.logPurgeGap entries past the last purge, and then only whole
 * closed log segments up to the snapshot (Ratis, reference §5.3). A segment closes once its entries reach
 * arcadedb.ha.logSegmentSize bytes (default 64MB); an entry counts 256 bytes plus its row's property names and
 * values, so rows with a payload roll segments sooner. A wiped or restarted follower replays the leader's log unless
 * the leader purged an entry it needs; only then does it get a snapshot install: the §5.5 log lines,
 * snapshotInstallDelay, the last tenth of it answering 503 on every route (§1.3), then the leader's databases.</li>
 * <li>The restart window (real 26.8.1, arcadedb-local-processes.md "The restart window"): every start of a node, the
 * cold start of the whole cluster and a scale-up's new nodes included, answers HTTP {@link ha.support.sim.Timings#haStartDelay()}
 * before its HA plugin has started (real servers start this way every time: databases, HTTP, then the plugins). In
 * the window {@code /api/v1/health} answers 204, {@code /api/v1/ready} 503 "Server not started yet" (with or without
 * readinessRequiresHA: the server is not ONLINE), {@code /api/v1/cluster} 200 with raftState NEW (STARTING in the second
 * half), no leader and isLeader false, and a command on {@code /api/v1/command/{db}} runs on the node's own database:
 * committed, answered 200 with its row, never replicated. Then the node logs "Raft cluster joined", "Re-wrapped database
 * … with HA wrapper" and "Raft HA plugin started successfully" and is ONLINE; with readinessRequiresHA its
 * {@code /api/v1/ready} answers "Node has not yet joined the Raft group" until it knows a leader. What the window's rows
 * do afterwards follows ArcadeDB's page versions: every insert moves its bucket's page version, a replicated insert
 * carries the version it expects, and a node applies it only onto that version. A follower whose page is ahead (it
 * committed k rows in its window) takes the leader's next k inserts as already applied and silently lacks them: it
 * keeps its window rows, nobody else has them, and its row count is the leader's (seen on 26.8.1 in 2 follower
 * restarts, still diverged 85 s later; a third restarted follower's queries failed, see the deviations). A restarted leader that wins again writes on top of its window
 * rows, so its followers' pages are behind: they log "WAL version gap on follower - state divergence detected,
 * triggering snapshot resync …" and "Snapshot resync completed: reinstalled 1 database(s) from the leader; diverged
 * state cleared" and take its copy, window rows included, losing what they had and it lacked (seen in 1 of 2 leader
 * restarts; in the other another node won and the old leader diverged as a follower does). The sim-only setting
 * {@code sim.haStartWindow=false} keeps the window's answers but makes a command wait for HA (and be replicated), as
 * the simulator did before.</li>
 * <li>Row faults ({@link ha.support.sim.Faults}): a node can lose rows by marker (one node, or every node: lost cluster-wide),
 * hold a row twice (the copy with another rid), or hold a row nobody wrote ({@code inventRow}), for checker tests.</li>
 * </ul>
 *
 * <h2>Deviations from the real server (deliberate)</h2>
 * <ul>
 * <li>Settings are cluster-wide and take effect at once ({@link ha.support.sim.ClusterSimulator#setSetting}).</li>
 * <li>Durations the reference gives in real seconds are scaled with the timings: quorumTimeout and
 * peerUnreachableThreshold = 10/7 x failoverDetection, forwardLeaderWaitTimeoutMs = 20/7 x, the never-appended
 * STALLED grace = 60/7 x, the add-peer retry budget = 90/7 x. The security
 * lockout (5 failures in 30 s lock the user for 30 s) is not scaled.</li>
 * <li>Every retryable write failure answers 503 (NeedRetryException / QuorumNotReachedException) on every version,
 * including writes during the short not-ready window of a fresh leader.</li>
 * <li>The idempotency cache (X-Request-Id, §1.5) replays successful answers only.</li>
 * <li>Log lines carry a "date time LEVEL [Class] &lt;server&gt; " prefix; match them with contains.</li>
 * <li>Log segment boundaries are computed over the one shared log, so they are the same on every node (a real
 * node that installed a snapshot starts new segments at its snapshot index); entry sizes are a rough model of
 * ArcadeDB's WAL entries, not their real size. On 26.8.1 (1MB segments) 300 rows with a 10 KB payload of one repeated
 * letter did not fill the first segment, while about 100 rows of 10 KB random letters did: real entries are compressed,
 * so only incompressible payloads roll segments; the simulator counts raw characters. A changed
 * arcadedb.ha.logSegmentSize re-cuts the segments at once.
 * Purging happens only when a snapshot is taken (the periodic arcadedb.ha.snapshotInterval tick is not modelled).</li>
 * <li>The restarted leader winning is a default, not a certainty on real servers: in five more kill -9 and
 * immediate-restart cycles on 26.8.1 (2 busy cores, elections after 9 to 23 s) another node won each time. Tests that
 * need the other outcome set sim.restartedLeaderWins=false.</li>
 * <li>A snapshot install's "HA resync finished … snapshotIndex=" is the leader's last snapshot here; on 26.8.1 it was
 * the end of the purged log (firstLogIndex − 1).</li>
 * <li>Why the restarted leader wins is not modelled (the rule reproduces the outcome seen on 26.8.1, not Ratis'
 * timers). Acknowledged rows are lost only through the restart window (above) or a fault.</li>
 * <li>The restart window, simplified: one page version per bucket (a real bucket has many pages, and only the pages a
 * window row went to diverge); the real restarted follower also lacked 2 or 3 of its own window rows (acknowledged
 * around the moment its HA started, held by no node) and once answered a query with an error after logging "Possible
 * corrupted record"; neither is modelled. raftState is NEW for the window's first half and STARTING for the second
 * (real: NEW for about 2.4 s, STARTING for 1 to 2 s, and RUNNING without a leader a few hundred ms before the plugin had
 * started). A resync after a WAL version gap is instant here (real: 0.1 to 0.3 s), and a leader that meets a gap
 * applies the entry. 503 "Raft HA not started yet" (reference §2, read from the source) was never answered by a
 * restarted 26.8.1 node (its first answer was already 200 with raftState NEW); the simulator answers it only under the
 * notStarted fault. Only inserts were sent in the window on real servers; a CREATE TYPE there runs locally the same
 * way, and {@code /api/v1/server} commands behave as after the window.</li>
 * <li>A follower read that asks to wait (linearizable, or a bookmark) waits for the index before it looks the database
 * up, so it can see a database whose creation it had not yet applied. On 26.8.1 a read of a database that does not
 * exist answers 500 at once; whether a follower waits for a pending creation first could not be observed (in 10 of 10
 * tries the creation had reached both followers before the next request).</li>
 * <li>A graceful stop cuts requests in flight the same way a crash does (whether a real server answers them
 * before it stops was not checked).</li>
 * <li>Pause (Faults.freeze, SIGSTOP/SIGCONT from the kind node through the mock's fake docker): a frozen node's
 * requests wait until the resume, it sends no heartbeat and counts for no quorum, and a frozen leader is replaced after
 * the failover detection. Woken, it is at once a follower of the current leader: on real 26.8.1 servers (3 local
 * nodes, leader frozen 20 s and longer) the woken leader's first answer to GET /api/v1/cluster already said it was not
 * the leader (isLeader false; leaderId the new leader, or null for a moment, and once still its own id), and a write it had been sent around the resume was
 * forwarded to the new leader and held by every node. A woken leader that still believes it leads was not seen on a
 * real server and is not modelled; the simulator's one shared log means a frozen leader's own uncommitted entries never
 * diverge. The fake pids (4000000 + ordinal) are never signalled for real.</li>
 * <li>A linearizable follower read answers at once here and in the stand-in (the stand-in's {@code write} phase took
 * 2.3 s). On real 26.8.1 servers the first linearizable read of a new cluster, on whichever follower it is sent to,
 * is one request that takes about 10 s (10.1 and 10.2 s in two local runs; the follower gets a ReadIndex from the
 * leader through its Raft client, {@code RaftHAServer.ensureLinearizableFollowerRead}); later ones answer in
 * under 0.2 s. Not modelled: no phase's verdict depends on it, only the {@code write} phase's duration.</li>
 * <li>Partition ({@link ha.support.sim.Faults#cutOff}): only one node cut off from all the others (the partition phase's two
 * shapes). A cut leader keeps claiming to lead for failoverDetection, then every node forgets it at once and the
 * majority elects; a cut follower forgets the leader after failoverDetection. Real 26.8.1 (3 local servers, nft cut):
 * the majority's new leader came 7.1 to 11.3 s after the cut; the cut-off leader still answered {@code isLeader: true}
 * with its own id 7 to 9 s after the cut in 2 of 4 runs, and {@code isLeader: false, leaderId: null} in the other 2;
 * the majority does not forget its leader when a follower is cut, as here. A write sent to the cut-off node waits for
 * a leader and fails; on real servers the same wait blocked the suite's one-at-a-time writer for the forward timeout.
 * After the heal every node converged within 2.9 to 5.8 s on real servers; here within a round.</li>
 * </ul>
 */
package ha.support.sim;
