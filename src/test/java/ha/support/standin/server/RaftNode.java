package ha.support.standin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small Raft: leader election with pre-vote (lowest ordinals time out first), a log persisted in the
 * node's database directory, replication over HTTP between the nodes' Raft ports, commit by majority,
 * membership changes as log entries, leadership transfer, and a full copy of the leader's log ("snapshot
 * install") for a follower whose log is empty. A write is acknowledged only once a majority has it in
 * its log file, so an acknowledged write survives the kill -9 of any minority, the leader included.
 */
final class RaftNode {
    enum Role { FOLLOWER, CANDIDATE, LEADER }

    private static final int BATCH = 512;
    /** Bytes of entries one append request carries at most (Ratis: the appender's buffer byte limit). */
    private static final long BATCH_BYTES = 1L << 20;
    private static final int RESULTS_KEPT = 10_000;

    /** What the leader knows about one follower. */
    private static final class Follower {
        long nextIndex;
        long matchIndex;
        boolean contacted;
        long lastContactNanos;
        boolean unhealthy;
        long unhealthySinceNanos;
        double rttMs;
        double rttMaxMs;
        boolean replicating;
        /** The follower met a WAL version gap: the next request reinstalls this leader's databases there. */
        boolean resync;
    }

    /** A member of the Raft group: its id (host_raftPort) and Raft address (host:raftPort). */
    record Member(String id, String address) {
    }

    private final String name;
    private final Settings.Peer self;
    private final List<Settings.Peer> staticList;
    private final int ordinal;
    private final Path dir;
    private final StateMachine state = new StateMachine();
    private final ExecutorService workers = Executors.newCachedThreadPool(daemon("raft-worker"));
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("raft-ticker"));

    private final long heartbeatMs;
    private final long electionMs;
    private final long statusGraceMs;
    private final long unreachableMs;
    private final long quorumTimeoutMs;
    private final long lagWarning;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every change a waiting request may care about (commit, role, leader, match). */
    private final Condition changed = lock.newCondition();
    /** Signalled when the leader appends, to wake its replicators. */
    private final Condition appended = lock.newCondition();

    // persistent (under lock)
    private long term;
    private String votedFor;
    private final SegmentedLog log;
    /** The configuration as of the log's start (the last purged entry), persisted with that index in base.json. */
    private List<Member> base = new ArrayList<>();
    /** The last snapshot of the state machine (snapshot.json): the state after applying entry snapshotIndex. */
    private long snapshotIndex;
    private JsonNode snapshotDatabases;
    private final long snapshotThreshold;
    private final long purgeGap;
    private long commit;
    // volatile state (under lock)
    private final List<Member> config = new ArrayList<>();
    private final Map<String, Long> requestIndex = new HashMap<>();
    private final Map<Long, ArrayNode> results = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ArrayNode> eldest) {
            return size() > RESULTS_KEPT;
        }
    };
    private final Map<String, Follower> followers = new HashMap<>();
    private Role role = Role.FOLLOWER;
    private String leaderId;
    private String leaderHttp;
    private long applied;
    private long lastLeaderContactNanos = System.nanoTime();
    private long electionDeadlineNanos;
    private long leaderSinceNanos;
    private long readyIndex = Long.MAX_VALUE;
    private long electionCount;
    private long lastElectionTime;
    private boolean campaigning;
    private boolean transferring;
    private boolean catchingUp;
    private long catchUpStartNanos;
    /** A replicated insert met a page behind the version it expects: applying waits for the leader's databases. */
    private boolean resyncPending;
    private final long catchUpThreshold;
    private final long startedNanos = System.nanoTime();

    RaftNode(String name, Settings.Peer self, List<Settings.Peer> staticList, Path databaseDirectory) {
        this.name = name;
        this.self = self;
        this.staticList = staticList;
        this.ordinal = Math.max(0, staticList.indexOf(self));
        this.dir = databaseDirectory.resolve(".standin-raft");
        this.log = new SegmentedLog(dir, SegmentedLog.parseSize(Settings.get("arcadedb.ha.logSegmentSize", "64MB")));
        this.snapshotThreshold = Settings.millis("arcadedb.ha.snapshotThreshold", 100_000);
        this.purgeGap = Settings.millis("arcadedb.ha.logPurgeGap", 1024);
        this.catchUpThreshold = Settings.millis("arcadedb.ha.resyncCatchupLagThreshold", 1000);
        this.heartbeatMs = Settings.millis("standin.heartbeatMs", 100);
        this.electionMs = Settings.millis("standin.electionTimeoutMs", 500);
        this.statusGraceMs = Settings.millis("standin.statusGraceMs", 500);
        this.unreachableMs = Settings.millis("arcadedb.ha.peerUnreachableThreshold", 2000);
        this.quorumTimeoutMs = Settings.millis("arcadedb.ha.quorumTimeout", 10_000);
        this.lagWarning = Settings.millis("arcadedb.ha.replicationLagWarning", 1000);
    }

    private static ThreadFactory daemon(String prefix) {
        return r -> {
            Thread t = new Thread(r, prefix);
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- lifecycle and storage

    /**
     * Opens the storage and applies what is committed: the databases as they are before the HA plugin starts (the
     * restart window), when the stand-in already answers HTTP. {@link #start()} then joins the group.
     */
    void load() throws IOException {
        lock.lock();
        try {
            Files.createDirectories(dir);
            Path baseFile = dir.resolve("base.json");
            if (!Files.exists(baseFile)) {
                for (Settings.Peer p : staticList) {
                    base.add(new Member(p.id(), p.address()));
                }
                saveBase();
                saveMeta();
                StandInServer.log("INFO", "RaftHAServer", "Raft storage formatted in %s with %d configured peers", dir, base.size());
            } else {
                loadStorage();
                StandInServer.log("INFO", "RaftHAServer", "Raft storage recovered from %s: term=%d, firstIndex=%d, lastIndex=%d, "
                        + "commitIndex=%d, snapshotIndex=%d", dir, term, log.purgedIndex() + 1, lastIndex(), commit, snapshotIndex);
            }
            rebuildConfig();
            applyCommitted();
            StandInServer.log("INFO", "RaftHAServer", "RaftHAServer configured: cluster='arcadedb', localPeer='%s', peers=%d",
                    self.id(), config.size());
        } finally {
            lock.unlock();
        }
    }

    /** Starts elections and answers peers: the end of the restart window. */
    void start() {
        lock.lock();
        try {
            electionDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(electionMs) + randomTimeoutNanos();
            StandInServer.log("INFO", "RaftHAServer", "Raft cluster joined: %d nodes %s", staticList.size(),
                    staticList.stream().map(p -> (p.name() == null ? p.id() : p.name()) + " (" + p.httpAddress() + ")").toList());
            for (String db : state.databaseNames()) {
                StandInServer.log("INFO", "ArcadeDBServer", "Re-wrapped database '%s' with HA wrapper", db);
            }
        } finally {
            lock.unlock();
        }
        ticker.scheduleWithFixedDelay(this::tick, 20, 20, TimeUnit.MILLISECONDS);
    }

    /** A command in the restart window: committed on this node's own databases, never replicated. */
    ArrayNode commitLocally(ObjectNode entry) {
        lock.lock();
        try {
            ArrayNode rows = state.applyLocal(entry);
            changed.signalAll();
            return rows;
        } finally {
            lock.unlock();
        }
    }

    private void loadStorage() throws IOException {
        JsonNode b = Json.read(Files.readString(dir.resolve("base.json")));
        b.path("peers").forEach(p -> base.add(new Member(p.path("id").asText(), p.path("address").asText())));
        Path metaFile = dir.resolve("meta.json");
        if (Files.exists(metaFile)) {
            JsonNode meta = Json.read(Files.readString(metaFile));
            term = meta.path("term").asLong();
            votedFor = meta.hasNonNull("votedFor") ? meta.path("votedFor").asText() : null;
            commit = meta.path("commit").asLong();
        }
        log.load(b.path("purgedIndex").asLong(), b.path("purgedTerm").asLong());
        Path snapshotFile = dir.resolve("snapshot.json");
        if (Files.exists(snapshotFile)) {
            JsonNode snapshot = Json.MAPPER.readTree(Files.readString(snapshotFile));
            snapshotIndex = snapshot.path("index").asLong();
            snapshotDatabases = snapshot.path("databases");
            state.load(snapshotDatabases);
            applied = snapshotIndex;
            if (snapshotIndex > lastIndex()) {
                // killed during an install, after the snapshot was written and before the log was reset
                log.resetTo(snapshotIndex, snapshot.path("term").asLong());
            }
        }
        commit = Math.max(snapshotIndex, Math.min(commit, lastIndex()));
        rebuildRequestIndex();
    }

    /** base.json: the configuration as of the log's start, with that start (the purged index and its term). */
    private void saveBase() throws IOException {
        writeBase(log.purgedIndex(), log.termAt(log.purgedIndex()));
    }

    private void writeBase(long purgedIndex, long purgedTerm) throws IOException {
        ArrayNode peers = Json.MAPPER.createArrayNode();
        for (Member m : base) {
            peers.add(Json.MAPPER.createObjectNode().put("id", m.id()).put("address", m.address()));
        }
        ObjectNode out = Json.MAPPER.createObjectNode().put("purgedIndex", purgedIndex).put("purgedTerm", purgedTerm);
        out.set("peers", peers);
        writeAtomically(dir.resolve("base.json"), Json.write(out));
    }

    private void saveMeta() {
        ObjectNode meta = Json.MAPPER.createObjectNode().put("term", term).put("commit", commit);
        meta.put("votedFor", votedFor);
        try {
            writeAtomically(dir.resolve("meta.json"), Json.write(meta));
        } catch (IOException e) {
            throw new IllegalStateException("cannot persist Raft metadata: " + e.getMessage(), e);
        }
    }

    /** snapshot.json: the databases after applying entry {@code index} (ArcadeDB's state is its database files). */
    private void saveSnapshot(long index, JsonNode databases) {
        ObjectNode snapshot = Json.MAPPER.createObjectNode().put("index", index).put("term", termAtOrSnapshot(index));
        snapshot.set("databases", databases);
        try {
            writeAtomically(dir.resolve("snapshot.json"), Json.write(snapshot));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the snapshot: " + e.getMessage(), e);
        }
        snapshotIndex = index;
        snapshotDatabases = databases;
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ---------------------------------------------------------------- log helpers (under lock)

    private long lastIndex() {
        return log.lastIndex();
    }

    private long termAt(long index) {
        return log.termAt(index);
    }

    private long termAtOrSnapshot(long index) {
        long t = log.termAt(index);
        return t >= 0 ? t : term;
    }

    private long lastTerm() {
        return termAt(lastIndex());
    }

    private void append(List<ObjectNode> entries) {
        log.append(entries);
        for (ObjectNode e : entries) {
            applyConfigEntry(e);
            if (e.hasNonNull("req")) {
                requestIndex.put(e.path("req").asText(), e.path("i").asLong());
            }
        }
        appended.signalAll();
    }

    private void truncateAfter(long index) {
        log.truncateAfter(index);
        rebuildConfig();
        rebuildRequestIndex();
    }

    private void rebuildRequestIndex() {
        requestIndex.clear();
        for (ObjectNode e : log.entries()) {
            if (e.hasNonNull("req")) {
                requestIndex.put(e.path("req").asText(), e.path("i").asLong());
            }
        }
    }

    private void rebuildConfig() {
        config.clear();
        config.addAll(base);
        for (ObjectNode e : log.entries()) {
            applyConfigEntry(e);
        }
    }

    /** Membership changes take effect when appended (Raft's single-server changes). */
    private void applyConfigEntry(ObjectNode e) {
        if (!"config".equals(e.path("op").asText())) {
            return;
        }
        String id = e.path("peer").path("id").asText();
        config.removeIf(m -> m.id().equals(id));
        if ("add".equals(e.path("change").asText())) {
            config.add(new Member(id, e.path("peer").path("address").asText()));
            if (role == Role.LEADER && !id.equals(self.id()) && !followers.containsKey(id)) {
                Follower f = new Follower();
                f.nextIndex = lastIndex() + 1;
                followers.put(id, f);
                startReplicator(id, term);
            }
        } else {
            followers.remove(id);
        }
    }

    /** The configuration as of entry {@code index} (at or after the log's start): base plus the changes up to it. */
    private List<Member> membersAt(long index) {
        List<Member> members = new ArrayList<>(base);
        for (long i = log.purgedIndex() + 1; i <= index; i++) {
            ObjectNode e = log.get(i);
            if ("config".equals(e.path("op").asText())) {
                String id = e.path("peer").path("id").asText();
                members.removeIf(m -> m.id().equals(id));
                if ("add".equals(e.path("change").asText())) {
                    members.add(new Member(id, e.path("peer").path("address").asText()));
                }
            }
        }
        return members;
    }

    private boolean inConfig(String id) {
        return config.stream().anyMatch(m -> m.id().equals(id));
    }

    private int majority() {
        return config.size() / 2 + 1;
    }

    private void applyCommitted() {
        boolean any = false;
        while (applied < commit) {
            ObjectNode entry = log.get(applied + 1);
            String gap = role == Role.LEADER ? null : state.pageGap(entry);
            if (gap != null) {
                if (!resyncPending) {
                    resyncPending = true;
                    StandInServer.log("SEVERE", "ArcadeStateMachine", "WAL version gap on follower - state divergence detected, triggering "
                            + "snapshot resync (db=%s, txId=%d): %s", entry.path("db").asText(), applied + 1, gap);
                }
                break;
            }
            applied++;
            results.put(applied, state.apply(entry));
            any = true;
        }
        if (any) {
            saveMeta();
            changed.signalAll();
            if (applied - snapshotIndex >= snapshotThreshold) {
                takeSnapshot();
            }
        }
    }

    /**
     * As Ratis with ArcadeDB's state machine: a snapshot every {@code arcadedb.ha.snapshotThreshold} applied entries,
     * then a purge of the log up to it, but only when that is {@code arcadedb.ha.logPurgeGap} entries past the last
     * purge, and only of whole closed segments.
     */
    private void takeSnapshot() {
        saveSnapshot(applied, state.dump());
        StandInServer.log("INFO", "ArcadeStateMachine", "Snapshot taken at index %d (term=%d)", snapshotIndex, termAtOrSnapshot(snapshotIndex));
        if (snapshotIndex - log.purgedIndex() < purgeGap) {
            return;
        }
        long upTo = log.purgeableUpTo(snapshotIndex);
        if (upTo <= log.purgedIndex()) {
            return;
        }
        List<Member> newBase = membersAt(upTo);
        long from = log.purgedIndex() + 1;
        long termAtPurge = termAt(upTo);
        base = newBase;
        try {
            writeBase(upTo, termAtPurge);
        } catch (IOException e) {
            throw new IllegalStateException("cannot persist the log start: " + e.getMessage(), e);
        }
        log.purge(upTo);
        StandInServer.log("INFO", "SegmentedRaftLog", "Purged log entries %d-%d (whole closed segments of at most %d bytes); "
                + "the log now starts at %d", from, upTo, log.segmentBytes(), upTo + 1);
    }

    // ---------------------------------------------------------------- elections

    private long randomTimeoutNanos() {
        long ms = electionMs + ordinal * (electionMs / 4) + ThreadLocalRandom.current().nextLong(electionMs / 3 + 1);
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private void tick() {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (role == Role.LEADER) {
                checkQuorum(now);
                return;
            }
            if (campaigning || now < electionDeadlineNanos) {
                return;
            }
            campaigning = true;
            electionDeadlineNanos = now + randomTimeoutNanos();
        } finally {
            lock.unlock();
        }
        workers.execute(() -> campaign(false));
    }

    /** A leader that has heard from no majority for a while steps down, so a cut-off leader does not linger. */
    private void checkQuorum(long now) {
        long window = TimeUnit.MILLISECONDS.toNanos(electionMs * 3);
        if (now - leaderSinceNanos < window || config.size() <= 1) {
            return;
        }
        int reachable = inConfig(self.id()) ? 1 : 0;
        for (Member m : config) {
            Follower f = followers.get(m.id());
            if (f != null && f.contacted && now - f.lastContactNanos < window) {
                reachable++;
            }
        }
        if (reachable < majority()) {
            StandInServer.log("WARNING", "RaftHAServer", "Leader %s lost contact with a majority of the group; stepping down", name);
            becomeFollower(term, null);
        }
    }

    private void campaign(boolean transfer) {
        long candidateTerm;
        long lastIdx;
        long lastT;
        List<Member> others = new ArrayList<>();
        int needed;
        lock.lock();
        try {
            if (role == Role.LEADER || !inConfig(self.id())) {
                campaigning = false;
                return;
            }
            candidateTerm = term + 1;
            lastIdx = lastIndex();
            lastT = lastTerm();
            config.stream().filter(m -> !m.id().equals(self.id())).forEach(others::add);
            needed = majority();
        } finally {
            lock.unlock();
        }
        try {
            if (!transfer && countVotes(others, candidateTerm, lastIdx, lastT, true, false) + 1 < needed) {
                return;
            }
            lock.lock();
            try {
                if (role == Role.LEADER || term >= candidateTerm) {
                    return;
                }
                term = candidateTerm;
                votedFor = self.id();
                role = Role.CANDIDATE;
                leaderId = null;
                leaderHttp = null;
                saveMeta();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            int votes = countVotes(others, candidateTerm, lastIdx, lastT, false, transfer) + 1;
            lock.lock();
            try {
                if (role == Role.CANDIDATE && term == candidateTerm && votes >= needed) {
                    becomeLeader();
                }
            } finally {
                lock.unlock();
            }
        } finally {
            lock.lock();
            try {
                campaigning = false;
                electionDeadlineNanos = System.nanoTime() + randomTimeoutNanos();
            } finally {
                lock.unlock();
            }
        }
    }

    private int countVotes(List<Member> others, long candidateTerm, long lastIdx, long lastT, boolean pre, boolean transfer) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("term", candidateTerm).put("candidate", self.id())
                .put("lastIndex", lastIdx).put("lastTerm", lastT).put("pre", pre).put("transfer", transfer);
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (Member m : others) {
            answers.add(postAsync(m.address(), "/raft/vote", request, Duration.ofMillis(400)));
        }
        int granted = 0;
        for (CompletableFuture<JsonNode> a : answers) {
            JsonNode r;
            try {
                r = a.get(600, TimeUnit.MILLISECONDS);
            } catch (Exception noAnswer) {
                continue;
            }
            if (r == null) {
                continue;
            }
            if (r.path("term").asLong() > candidateTerm) {
                lock.lock();
                try {
                    if (r.path("term").asLong() > term) {
                        becomeFollower(r.path("term").asLong(), null);
                    }
                } finally {
                    lock.unlock();
                }
            }
            if (r.path("granted").asBoolean()) {
                granted++;
            }
        }
        return granted;
    }

    /** POST /raft/vote: pre-votes change nothing; real votes follow Raft's rules plus leader stickiness. */
    ObjectNode onVote(JsonNode req) {
        lock.lock();
        try {
            long now = System.nanoTime();
            String candidate = req.path("candidate").asText();
            long reqTerm = req.path("term").asLong();
            boolean upToDate = req.path("lastTerm").asLong() > lastTerm()
                    || req.path("lastTerm").asLong() == lastTerm() && req.path("lastIndex").asLong() >= lastIndex();
            boolean recentLeader = role == Role.LEADER
                    || leaderId != null && now - lastLeaderContactNanos < TimeUnit.MILLISECONDS.toNanos(electionMs);
            boolean member = inConfig(candidate);
            boolean granted;
            if (req.path("pre").asBoolean()) {
                granted = member && upToDate && !recentLeader && reqTerm >= term;
            } else if (reqTerm < term || !member || recentLeader && !req.path("transfer").asBoolean()) {
                granted = false;
            } else {
                if (reqTerm > term) {
                    becomeFollower(reqTerm, null);
                }
                granted = upToDate && (votedFor == null || votedFor.equals(candidate));
                if (granted) {
                    votedFor = candidate;
                    saveMeta();
                    electionDeadlineNanos = now + randomTimeoutNanos();
                }
            }
            return Json.MAPPER.createObjectNode().put("term", term).put("granted", granted);
        } finally {
            lock.unlock();
        }
    }

    /** POST /raft/timeout-now: the leader hands over; campaign at once, without pre-vote. */
    ObjectNode onTimeoutNow(JsonNode req) {
        lock.lock();
        try {
            if (req.path("term").asLong() != term || role != Role.FOLLOWER) {
                return Json.MAPPER.createObjectNode().put("accepted", false);
            }
            campaigning = true;
        } finally {
            lock.unlock();
        }
        StandInServer.log("INFO", "RaftClusterManager", "Leadership transfer: %s starts an election at the leader's request", name);
        workers.execute(() -> campaign(true));
        return Json.MAPPER.createObjectNode().put("accepted", true);
    }

    private void becomeFollower(long newTerm, String newLeader) {
        boolean wasLeader = role == Role.LEADER;
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            saveMeta();
        }
        role = Role.FOLLOWER;
        // a node that steps down waits a full election timeout before campaigning itself (so a transfer's target wins)
        electionDeadlineNanos = System.nanoTime() + randomTimeoutNanos();
        if (wasLeader) {
            followers.clear();
            readyIndex = Long.MAX_VALUE;
            StandInServer.log("INFO", "ArcadeStateMachine", "This node is no longer the leader (term=%d)", term);
        }
        if (newLeader == null) {
            leaderId = null;
            leaderHttp = null;
        }
        changed.signalAll();
        appended.signalAll();
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leaderId = self.id();
        leaderHttp = self.httpAddress();
        leaderSinceNanos = System.nanoTime();
        electionCount++;
        lastElectionTime = System.currentTimeMillis();
        followers.clear();
        for (Member m : config) {
            if (!m.id().equals(self.id())) {
                Follower f = new Follower();
                f.nextIndex = lastIndex() + 1;
                followers.put(m.id(), f);
            }
        }
        ObjectNode noop = Json.MAPPER.createObjectNode().put("i", lastIndex() + 1).put("t", term).put("op", "noop");
        readyIndex = lastIndex() + 1;
        append(List.of(noop));
        StandInServer.log("INFO", "ArcadeStateMachine", "Leader elected: %s (term=%d)", name, term);
        StandInServer.log("INFO", "ArcadeStateMachine", "This node is now LEADER");
        for (String id : new ArrayList<>(followers.keySet())) {
            startReplicator(id, term);
        }
        advanceCommit();
        changed.signalAll();
    }

    // ---------------------------------------------------------------- replication

    private void startReplicator(String peerId, long leaderTerm) {
        Follower f = followers.get(peerId);
        if (f == null || f.replicating) {
            return;
        }
        f.replicating = true;
        workers.execute(() -> replicate(peerId, leaderTerm, f));
    }

    private void replicate(String peerId, long leaderTerm, Follower f) {
        try {
            while (true) {
                ObjectNode request;
                String address;
                boolean snapshot;
                lock.lock();
                try {
                    if (role != Role.LEADER || term != leaderTerm || followers.get(peerId) != f) {
                        return;
                    }
                    address = config.stream().filter(m -> m.id().equals(peerId)).map(Member::address).findFirst().orElse(null);
                    if (address == null) {
                        return;
                    }
                    // the entries the follower needs next were purged: only a snapshot install can bring it back
                    snapshot = f.nextIndex <= log.purgedIndex() || f.resync;
                    request = Json.MAPPER.createObjectNode().put("term", term).put("leaderId", self.id())
                            .put("leaderName", name).put("leaderHttp", self.httpAddress()).put("leaderCommit", commit);
                    if (f.resync) {
                        resyncRequest(request);
                    } else if (snapshot) {
                        snapshotRequest(request);
                    } else {
                        long prev = f.nextIndex - 1;
                        request.put("prevIndex", prev).put("prevTerm", termAt(prev));
                        ArrayNode entries = request.putArray("entries");
                        log.slice(f.nextIndex, BATCH, BATCH_BYTES).forEach(entries::add);
                    }
                } finally {
                    lock.unlock();
                }
                long t0 = System.nanoTime();
                JsonNode response = post(address, "/raft/append", request, Duration.ofMillis(snapshot ? 30_000 : request.path("entries").size() > 4 ? 5_000 : 1_000));
                long rttNanos = System.nanoTime() - t0;
                lock.lock();
                try {
                    if (role != Role.LEADER || term != leaderTerm || followers.get(peerId) != f) {
                        return;
                    }
                    if (response == null) {
                        appended.await(heartbeatMs, TimeUnit.MILLISECONDS);
                        continue;
                    }
                    if (response.path("term").asLong() > term) {
                        becomeFollower(response.path("term").asLong(), null);
                        return;
                    }
                    f.contacted = true;
                    f.lastContactNanos = System.nanoTime();
                    double rtt = rttNanos / 1e6;
                    f.rttMs = f.rttMs == 0 ? rtt : f.rttMs * 0.8 + rtt * 0.2;
                    f.rttMaxMs = Math.max(f.rttMaxMs * 0.99, rtt);
                    boolean wasResync = request.path("resync").asBoolean();
                    f.resync = response.path("resync").asBoolean() && !wasResync;
                    if (response.path("success").asBoolean()) {
                        long match = response.path("matchIndex").asLong();
                        if (wasResync) {
                            f.matchIndex = match;   // the follower's log now starts after the reinstalled databases
                        }
                        if (match > f.matchIndex) {
                            f.matchIndex = match;
                            changed.signalAll();
                        }
                        f.nextIndex = f.matchIndex + 1;
                        advanceCommit();
                    } else {
                        long theirs = response.path("lastIndex").asLong();
                        f.nextIndex = Math.max(1, Math.min(f.nextIndex - 1, response.path("hint").asLong(theirs) + 1));
                        continue;
                    }
                    if (f.nextIndex <= lastIndex()) {
                        continue;
                    }
                    appended.await(heartbeatMs, TimeUnit.MILLISECONDS);
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
            try {
                f.replicating = false;
            } finally {
                lock.unlock();
            }
        }
    }

    /** The install request for a follower that needs purged entries: the last snapshot and the configuration then. */
    private void snapshotRequest(ObjectNode request) {
        List<Member> members = membersAt(snapshotIndex);
        request.put("snapshot", true).put("snapshotIndex", snapshotIndex).put("snapshotTerm", termAtOrSnapshot(snapshotIndex))
                .put("firstLogIndex", log.purgedIndex() + 1);
        ArrayNode peers = request.putArray("members");
        members.forEach(m -> peers.add(Json.MAPPER.createObjectNode().put("id", m.id()).put("address", m.address())));
        request.set("databases", snapshotDatabases);
    }

    /** A follower's WAL version gap: this leader's databases as they are now, at its applied index (under lock). */
    private void resyncRequest(ObjectNode request) {
        List<Member> members = new ArrayList<>(config);
        request.put("snapshot", true).put("resync", true).put("snapshotIndex", applied).put("snapshotTerm", termAtOrSnapshot(applied))
                .put("firstLogIndex", log.purgedIndex() + 1);
        ArrayNode peers = request.putArray("members");
        members.forEach(m -> peers.add(Json.MAPPER.createObjectNode().put("id", m.id()).put("address", m.address())));
        ObjectNode databases = state.dump();
        databases.fieldNames().forEachRemaining(db ->
                StandInServer.log("INFO", "SnapshotHttpHandler", "Serving database snapshot for '%s'...", db));
        request.set("databases", databases);
    }

    private void advanceCommit() {
        for (long n = lastIndex(); n > commit; n--) {
            if (termAt(n) != term) {
                break;
            }
            int count = inConfig(self.id()) ? 1 : 0;
            for (Member m : config) {
                Follower f = followers.get(m.id());
                if (f != null && f.matchIndex >= n) {
                    count++;
                }
            }
            if (count >= majority()) {
                commit = n;
                applyCommitted();
                changed.signalAll();
                return;
            }
        }
    }

    /** POST /raft/append: entries (or the leader's whole log, for a follower with none) and the commit index. */
    ObjectNode onAppend(JsonNode req) {
        lock.lock();
        try {
            long reqTerm = req.path("term").asLong();
            if (reqTerm < term) {
                return Json.MAPPER.createObjectNode().put("term", term).put("success", false).put("lastIndex", lastIndex());
            }
            if (reqTerm > term || role != Role.FOLLOWER) {
                becomeFollower(reqTerm, req.path("leaderId").asText());
            }
            String newLeader = req.path("leaderId").asText();
            if (!newLeader.equals(leaderId)) {
                leaderId = newLeader;
                electionCount++;
                lastElectionTime = System.currentTimeMillis();
                StandInServer.log("INFO", "ArcadeStateMachine", "This node is now REPLICA (leader: %s) (term=%d)",
                        req.path("leaderName").asText(newLeader), term);
                changed.signalAll();
            }
            leaderHttp = req.path("leaderHttp").asText(null);
            lastLeaderContactNanos = System.nanoTime();
            electionDeadlineNanos = lastLeaderContactNanos + randomTimeoutNanos();
            if (req.path("snapshot").asBoolean()) {
                return installSnapshot(req);
            }
            long prev = req.path("prevIndex").asLong();
            // entries up to the purged index were committed here, so they match the leader's whatever their term
            if (prev > lastIndex() || prev >= log.purgedIndex() && termAt(prev) != req.path("prevTerm").asLong()) {
                long hint = prev > lastIndex() ? lastIndex() : prev - 1;
                return Json.MAPPER.createObjectNode().put("term", term).put("success", false)
                        .put("lastIndex", lastIndex()).put("hint", Math.max(0, hint));
            }
            JsonNode entries = req.path("entries");
            long leaderCommit = req.path("leaderCommit").asLong();
            if (!catchingUp && leaderCommit - applied > catchUpThreshold) {
                catchingUp = true;
                catchUpStartNanos = System.nanoTime();
                StandInServer.log("INFO", "FollowerResyncProgressTracker", "HA resync started (mode=catch-up): %d entries to apply "
                        + "(applied=%d, committed=%d)", leaderCommit - applied, applied, leaderCommit);
            }
            long index = prev;
            List<ObjectNode> fresh = new ArrayList<>();
            for (JsonNode e : entries) {
                index++;
                if (index <= log.purgedIndex()) {
                    continue;
                }
                if (index <= lastIndex()) {
                    if (termAt(index) == e.path("t").asLong()) {
                        continue;
                    }
                    if (index <= commit) {
                        throw new IllegalStateException("leader asked to overwrite committed entry " + index);
                    }
                    truncateAfter(index - 1);
                }
                fresh.add((ObjectNode) e);
            }
            if (!fresh.isEmpty()) {
                append(fresh);
            }
            if (leaderCommit > commit) {
                commit = Math.min(leaderCommit, index);
                applyCommitted();
            }
            if (catchingUp && applied >= leaderCommit) {
                catchingUp = false;
                StandInServer.log("INFO", "FollowerResyncProgressTracker", "HA resync finished (mode=catch-up, duration=%dms, result=ok): "
                        + "applied=%d", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - catchUpStartNanos), applied);
            }
            ObjectNode answer = Json.MAPPER.createObjectNode().put("term", term).put("success", true).put("matchIndex", index)
                    .put("lastIndex", lastIndex());
            return resyncPending ? answer.put("resync", true) : answer;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The leader no longer holds the entries this node needs: replace the databases with the leader's snapshot and
     * start the log after it (reference §5.1), logging the lines of a real install (§5.5).
     */
    private ObjectNode installSnapshot(JsonNode req) {
        long index = req.path("snapshotIndex").asLong();
        long snapshotTerm = req.path("snapshotTerm").asLong();
        boolean resync = req.path("resync").asBoolean();
        if (index <= applied && !resync) {
            return Json.MAPPER.createObjectNode().put("term", term).put("success", true).put("matchIndex", index).put("lastIndex", lastIndex());
        }
        String from = req.path("leaderHttp").asText();
        JsonNode databases = req.path("databases");
        if (!resync) {
            StandInServer.log("INFO", "ArcadeStateMachine", "HA resync started (mode=snapshot, reason=leader snapshot install): "
                    + "firstLogIndex=%d, leader=%s", req.path("firstLogIndex").asLong(), from);
            databases.fieldNames().forEachRemaining(db ->
                    StandInServer.log("INFO", "DatabaseReconciler", "Installing snapshot for database '%s' from leader %s...", db, from));
        }
        saveSnapshot(index, databases);
        state.load(databases);
        results.clear();
        List<Member> members = new ArrayList<>();
        req.path("members").forEach(p -> members.add(new Member(p.path("id").asText(), p.path("address").asText())));
        base = members;
        try {
            writeBase(index, snapshotTerm);
        } catch (IOException e) {
            throw new IllegalStateException("cannot persist the installed configuration: " + e.getMessage(), e);
        }
        log.resetTo(index, snapshotTerm);
        rebuildConfig();
        rebuildRequestIndex();
        applied = index;
        commit = index;
        saveMeta();
        changed.signalAll();
        if (resync) {
            resyncPending = false;
            StandInServer.log("INFO", "ArcadeStateMachine", "Snapshot resync completed: reinstalled %d database(s) from the leader; "
                    + "diverged state cleared", databases.size());
        } else {
            StandInServer.log("INFO", "ArcadeStateMachine", "HA resync finished (mode=snapshot, result=ok): snapshotIndex=%d", index);
        }
        return Json.MAPPER.createObjectNode().put("term", term).put("success", true).put("matchIndex", index).put("lastIndex", lastIndex());
    }

    // ---------------------------------------------------------------- client operations

    /** A statement parsed against the local state (reads are answered from it). */
    StateMachine.Statement parse(String database, String sql, JsonNode params) {
        lock.lock();
        try {
            return state.parse(database, sql, params);
        } finally {
            lock.unlock();
        }
    }

    /** A follower asks the leader for its commit index before a linearizable read (Ratis' ReadIndex). */
    ObjectNode onReadIndex(JsonNode req) {
        lock.lock();
        try {
            ObjectNode out = Json.MAPPER.createObjectNode().put("leader", role == Role.LEADER);
            return role == Role.LEADER ? out.put("commit", commit) : out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The index a linearizable read must wait for: the leader's commit index, asked over the Raft port when this
     * node is a follower; null when no leader answers.
     */
    Long readIndex() {
        String address;
        lock.lock();
        try {
            if (role == Role.LEADER) {
                return commit;
            }
            String id = leaderId;
            address = id == null ? null : config.stream().filter(m -> m.id().equals(id)).map(Member::address).findFirst().orElse(null);
        } finally {
            lock.unlock();
        }
        JsonNode answer = address == null ? null : post(address, "/raft/read-index", Json.MAPPER.createObjectNode(), Duration.ofSeconds(2));
        return answer != null && answer.path("leader").asBoolean() ? answer.path("commit").asLong() : null;
    }

    /** Waits until this node applied {@code index}; false when {@code waitMillis} ran out first. */
    boolean awaitApplied(long index, long waitMillis) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            while (applied < index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The index of the last entry this node applied: what its answers carry as X-ArcadeDB-Commit-Index. */
    long appliedIndex() {
        lock.lock();
        try {
            return applied;
        } finally {
            lock.unlock();
        }
    }

    /** The files of a database with their checksums (null if it does not exist here). */
    List<StateMachine.DataFile> files(String database) {
        lock.lock();
        try {
            return state.files(database);
        } finally {
            lock.unlock();
        }
    }

    /** This node's server list (arcadedb.ha.serverList), itself included. */
    List<Settings.Peer> serverList() {
        return staticList;
    }

    Settings.Peer self() {
        return self;
    }

    boolean databaseExists(String database) {
        lock.lock();
        try {
            return state.exists(database);
        } finally {
            lock.unlock();
        }
    }

    List<String> databases() {
        lock.lock();
        try {
            return state.databaseNames();
        } finally {
            lock.unlock();
        }
    }

    boolean isLeader() {
        lock.lock();
        try {
            return role == Role.LEADER;
        } finally {
            lock.unlock();
        }
    }

    /** The leader's HTTP address, waiting up to {@code waitMillis} for one to be known; null if none. */
    String awaitLeaderHttp(long waitMillis) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            while (leaderHttp == null || role == Role.LEADER) {
                if (role == Role.LEADER) {
                    return self.httpAddress();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                changed.awaitNanos(left);
            }
            return leaderHttp;
        } finally {
            lock.unlock();
        }
    }

    /** Thrown when a leader-only operation reaches a follower. */
    static final class NotLeader extends RuntimeException {
        NotLeader() {
            super("not the leader");
        }
    }

    /**
     * Appends a write (once per request id) and returns its result when a majority holds it and it is
     * applied. 503 while the leader is not ready, during a transfer, or without a quorum in time.
     */
    ArrayNode submit(ObjectNode entry, String requestId) throws InterruptedException {
        lock.lock();
        try {
            if (role != Role.LEADER) {
                throw new NotLeader();
            }
            if (transferring) {
                throw retry("com.arcadedb.exception.NeedRetryException", "Leadership transfer in progress");
            }
            if (commit < readyIndex) {
                throw retry("com.arcadedb.exception.NeedRetryException", "The leader is not ready yet (its term's first entry is not committed)");
            }
            Long index = requestId == null ? null : requestIndex.get(requestId);
            if (index == null) {
                if ("insert".equals(entry.path("op").asText())) {
                    entry.put("pv", projectedPageVersion(entry.path("db").asText(), entry.path("type").asText()));
                }
                entry.put("i", lastIndex() + 1).put("t", term);
                if (requestId != null) {
                    entry.put("req", requestId);
                }
                append(List.of(entry));
                index = lastIndex();
                advanceCommit();
            }
            long myTerm = term;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quorumTimeoutMs);
            while (commit < index || applied < index) {
                if (role != Role.LEADER || term != myTerm) {
                    throw retry("com.arcadedb.exception.NeedRetryException", "Leadership changed before the write was committed");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw retry("com.arcadedb.network.binary.QuorumNotReachedException",
                            "Quorum of " + majority() + " not reached within " + quorumTimeoutMs + " ms");
                }
                changed.awaitNanos(left);
            }
            ArrayNode result = results.get(index);
            return result == null ? Json.MAPPER.createArrayNode() : result.deepCopy();
        } finally {
            lock.unlock();
        }
    }

    /** The page version of db.type once this leader has applied its log: what a new insert into it expects (under lock). */
    private long projectedPageVersion(String db, String type) {
        long version = state.pageVersion(db, type);
        for (long i = applied + 1; i <= lastIndex(); i++) {
            ObjectNode e = log.get(i);
            if ("insert".equals(e.path("op").asText()) && db.equals(e.path("db").asText()) && type.equals(e.path("type").asText())
                    && e.has("pv") && e.path("pv").asLong() >= version) {
                version = e.path("pv").asLong() + 1;
            }
        }
        return version;
    }

    private static ApiError retry(String exception, String detail) {
        return new ApiError(503, "Cannot execute command", exception, detail);
    }

    /** Transfers leadership to {@code target} (empty: the most up-to-date follower); returns the new leader id. */
    String transfer(String target, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String chosen;
        String address;
        long myTerm;
        lock.lock();
        try {
            if (role != Role.LEADER) {
                throw new NotLeader();
            }
            chosen = target;
            if (chosen == null || chosen.isEmpty()) {
                chosen = followers.entrySet().stream().filter(e -> inConfig(e.getKey()))
                        .max((a, b) -> Long.compare(a.getValue().matchIndex, b.getValue().matchIndex)).map(Map.Entry::getKey).orElse(null);
                if (chosen == null) {
                    throw ApiError.plain(500, "Leadership transfer failed");
                }
            }
            if (chosen.equals(self.id())) {
                return chosen;
            }
            String id = chosen;
            address = config.stream().filter(m -> m.id().equals(id)).map(Member::address).findFirst().orElse(null);
            if (address == null) {
                throw new ApiError(500, "Internal error", "com.arcadedb.exception.ConfigurationException",
                        "Failed to transfer leadership to " + chosen + ": not a member of the group");
            }
            StandInServer.log("INFO", "RaftClusterManager", "Transferring leadership to %s (timeout=%d ms)", chosen, timeoutMillis);
            transferring = true;
            myTerm = term;
            Follower f = followers.get(chosen);
            while (f == null || f.matchIndex < lastIndex()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || role != Role.LEADER || term != myTerm) {
                    transferring = false;
                    throw transferFailed(chosen, "the target did not catch up in time");
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                f = followers.get(chosen);
            }
        } finally {
            lock.unlock();
        }
        post(address, "/raft/timeout-now", Json.MAPPER.createObjectNode().put("term", myTerm), Duration.ofSeconds(1));
        lock.lock();
        try {
            while (!chosen.equals(leaderId)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw transferFailed(chosen, "it did not become leader within " + timeoutMillis + " ms");
                }
                changed.awaitNanos(left);
            }
            StandInServer.log("INFO", "RaftClusterManager", "Leadership transferred to %s", chosen);
            return chosen;
        } finally {
            transferring = false;
            lock.unlock();
        }
    }

    private static ApiError transferFailed(String target, String why) {
        return new ApiError(500, "Internal error", "com.arcadedb.exception.ConfigurationException",
                "Failed to transfer leadership to " + target + ": " + why);
    }

    /** Adds a member through the log; idempotent. */
    void addPeer(String id, String address) throws InterruptedException {
        changeMembership(id, address, true, false);
        StandInServer.log("INFO", "RaftClusterManager", "Peer %s added to Raft cluster at %s", id, address);
    }

    /** Removes a member through the log, refusing to go below a majority of the group unless forced. */
    void removePeer(String id, boolean force) throws InterruptedException {
        changeMembership(id, null, false, force);
        StandInServer.log("INFO", "RaftClusterManager", "Peer %s removed from Raft cluster", id);
    }

    private void changeMembership(String id, String address, boolean add, boolean force) throws InterruptedException {
        lock.lock();
        try {
            if (role != Role.LEADER) {
                throw new NotLeader();
            }
            if (add && inConfig(id)) {
                return;
            }
            if (!add) {
                if (!inConfig(id)) {
                    throw ApiError.plain(409, "Peer " + id + " not found in cluster");
                }
                int remaining = config.size() - 1;
                int required = config.size() / 2 + 1;
                if (remaining < required && !force) {
                    throw ApiError.plain(409, "Cannot remove peer " + id + ": " + remaining + " voters would remain, " + required + " required");
                }
            }
            ObjectNode entry = Json.MAPPER.createObjectNode().put("i", lastIndex() + 1).put("t", term).put("op", "config")
                    .put("change", add ? "add" : "remove");
            ObjectNode peer = entry.putObject("peer").put("id", id);
            if (address != null) {
                peer.put("address", address);
            }
            append(List.of(entry));
            long index = lastIndex();
            advanceCommit();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (commit < index) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || role != Role.LEADER) {
                    throw new ApiError(500, "Internal error", "com.arcadedb.exception.ConfigurationException",
                            "Failed to " + (add ? "add" : "remove") + " peer " + id + ": the change was not committed in time");
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** GET /api/v1/cluster as ArcadeDB 26.8.1 answers it; peers[] is this node's own server list. */
    ObjectNode clusterStatus(String raftState) {
        lock.lock();
        try {
            long now = System.nanoTime();
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("implementation", "raft").put("clusterName", "arcadedb").put("localPeerId", self.id()).put("raftState", raftState)
                    .put("isLeader", role == Role.LEADER).put("leaderReady", role == Role.LEADER && commit >= readyIndex)
                    .put("leaderId", leaderId);
            out.put("leaderHttpAddress", leaderHttp);
            out.put("electionCount", electionCount).put("lastElectionTime", lastElectionTime)
                    .put("uptime", TimeUnit.NANOSECONDS.toMillis(now - startedNanos));
            ArrayNode peers = out.putArray("peers");
            for (Settings.Peer p : staticList) {
                ObjectNode entry = peers.addObject().put("id", p.id()).put("address", p.address())
                        .put("role", p.id().equals(leaderId) ? "LEADER" : "FOLLOWER");
                Follower f = followers.get(p.id());
                if (role == Role.LEADER && f != null && inConfig(p.id())) {
                    health(entry, f, now);
                }
            }
            ArrayNode dbs = out.putArray("databases");
            state.databaseNames().forEach(n -> dbs.addObject().put("name", n));
            out.putArray("alerts");
            return out;
        } finally {
            lock.unlock();
        }
    }

    private void health(ObjectNode entry, Follower f, long now) {
        long lag = Math.max(0, commit - f.matchIndex);
        long sinceContact = f.contacted ? TimeUnit.NANOSECONDS.toMillis(now - f.lastContactNanos) : -1;
        String status;
        if (now - leaderSinceNanos < TimeUnit.MILLISECONDS.toNanos(statusGraceMs)) {
            status = "UNKNOWN";
        } else if (sinceContact < 0 || sinceContact >= unreachableMs) {
            status = "STALLED";
        } else if (lag <= lagWarning) {
            status = "HEALTHY";
        } else {
            status = "CATCHING_UP";
        }
        if ("HEALTHY".equals(status) || "UNKNOWN".equals(status)) {
            f.unhealthy = false;
        } else if (!f.unhealthy) {
            f.unhealthy = true;
            f.unhealthySinceNanos = now;
        }
        entry.put("matchIndex", f.matchIndex).put("nextIndex", f.nextIndex).put("replicationLag", lag)
                .put("lastContactMs", sinceContact).put("replicaStatus", status)
                .put("laggingForMs", f.unhealthy ? TimeUnit.NANOSECONDS.toMillis(now - f.unhealthySinceNanos) : 0)
                .put("lagging", lag > lagWarning);
        if (f.rttMs > 0) {
            entry.put("replicationRttMs", Math.round(f.rttMs * 100) / 100.0).put("replicationRttP99Ms", Math.round(f.rttMaxMs * 100) / 100.0);
        }
    }

    /** Ready for traffic (readinessRequiresHA): a leader that is ready, or a follower of a known leader not far behind. */
    String haReadiness(long maxLag) {
        lock.lock();
        try {
            if (leaderId == null) {
                return "Node has not yet joined the Raft group";
            }
            if (!inConfig(self.id()) || resyncPending) {
                return "Node is not yet in the Raft configuration or has not caught up";
            }
            if (role == Role.LEADER) {
                return commit >= readyIndex ? null : "Node is not yet in the Raft configuration or has not caught up";
            }
            return commit - applied <= maxLag ? null : "Node is not yet in the Raft configuration or has not caught up";
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- peer HTTP

    private CompletableFuture<JsonNode> postAsync(String address, String path, JsonNode body, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> post(address, path, body, timeout), workers);
    }

    /** POST to a peer's Raft port; null when it does not answer 200 in time. */
    private JsonNode post(String address, String path, JsonNode body, Duration timeout) {
        try {
            Http.Reply r = Http.send("POST", "http://" + address + path, Json.write(body), Map.of("Content-Type", "application/json"),
                    300, (int) timeout.toMillis());
            return r.status() == 200 ? Json.read(r.body()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
