package ha.target.local;

import ha.support.Leftovers;
import ha.support.standin.StandIn;

import ha.check.ClusterOps;
import ha.check.Rows;
import ha.client.ArcadeClient;
import ha.client.ArcadeHttpException;
import ha.core.Endpoint;
import ha.core.Node;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The local-process target against real processes of the stand-in server: ports, arguments,
 * environment and data folders; restart with and without state; scale-up and scale-down; cleanup.
 * One cluster lives through the whole story, since starting JVMs is what costs time here.
 */
class LocalTargetTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PASSWORD = "stand-in-Secret-42";

    @TempDir
    Path tmp;

    @Test
    void startsRestartsScalesAndStopsRealProcesses() throws IOException {
        Path work = tmp.resolve("work");
        Path reports = tmp.resolve("report");
        List<Long> pids = new ArrayList<>();
        String[] restarted = new String[1];
        LocalTarget target = LocalTarget.start(StandIn.options(work, 3), Map.of("HA_ROOT_PASSWORD", PASSWORD), reports);
        try {
            target.awaitRollout(TIMEOUT);
            startedAsConfigured(target, work);
            ClusterOps cluster = new ClusterOps(target);
            Rows rows = new Rows(target, "local-test");
            Node leader = cluster.awaitLeader("one leader", TIMEOUT);
            rows.ensureSchema(leader, TIMEOUT);
            rows.insertAcknowledged(leader, "before-restarts", "test", TIMEOUT);

            Node follower = target.nodes().stream().filter(n -> !n.equals(leader)).reduce((a, b) -> b).orElseThrow();
            restarted[0] = follower.name();
            pids.add(target.process(follower).pid());
            restartsKeepingItsDataFolder(target, follower);
            pids.add(target.process(follower).pid());
            restartsWithAWipedDataFolder(target, cluster, rows, follower);
            pids.add(target.process(follower).pid());

            target.nodes().forEach(n -> pids.add(target.process(n).pid()));
            scalesUpWithTheWiderServerList(target, cluster, rows);
            target.nodes().forEach(n -> pids.add(target.process(n).pid()));
            Process highest = target.process(target.nodes().get(3));
            target.scaleTo(3, TIMEOUT);
            assertEquals(3, target.nodes().size(), "nodes after scaling down to 3");
            assertFalse(highest.isAlive(), "arcadedb-3 stopped by the scale-down");
            assertTrue(Files.isDirectory(work.resolve("arcadedb-3").resolve("data")), "arcadedb-3 keeps its folder, as a PVC stays");
        } finally {
            target.close();
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still runs after close()");
        }
        assertEquals(List.of(), Leftovers.processesUsing(work), "server processes left after close()");
        for (String node : List.of("arcadedb-0", "arcadedb-1", "arcadedb-2", "arcadedb-3")) {
            Path log = reports.resolve("node-logs").resolve(node).resolve("server.log");
            assertTrue(Files.isRegularFile(log), node + "'s log copied into the report dir at close: " + log);
            assertFalse(Files.readString(log).contains(PASSWORD), node + "'s copied log must not hold the password");
        }
        Path diagnostics = tmp.resolve("diagnostics");
        target.collectDiagnostics(diagnostics);
        String table = Files.readString(diagnostics.resolve("processes.txt"));
        assertTrue(table.contains("arcadedb-3") && table.contains("exited"), "processes.txt lists every node and its state:\n" + table);
        assertTrue(Files.readString(diagnostics.resolve("nodes").resolve("arcadedb-0").resolve("log.txt")).contains("Server started"));
        assertTrue(Files.readString(diagnostics.resolve("nodes").resolve(restarted[0]).resolve("previous-log.txt")).contains("Server started"),
                "the restarted node's previous log is in the diagnostics");
    }

    private static void startedAsConfigured(LocalTarget target, Path work) throws IOException {
        List<Node> nodes = target.nodes();
        assertEquals(List.of("arcadedb-0", "arcadedb-1", "arcadedb-2"), nodes.stream().map(Node::name).toList());
        Set<Integer> ports = new HashSet<>();
        for (Node n : nodes) {
            LocalPorts p = target.ports(n);
            ports.addAll(List.of(p.http(), p.https(), p.raft()));
        }
        assertEquals(9, ports.size(), "every node has its own HTTP, HTTPS and Raft port: " + ports);
        String serverList = target.settings().get("arcadedb.ha.serverList");
        for (Node n : nodes) {
            LocalPorts p = target.ports(n);
            assertTrue(serverList.contains(n.name() + "@127.0.0.1:" + p.raft() + ":" + p.http()), serverList);
            assertEquals("127.0.0.1_" + p.raft(), target.peerIdOf(n));
            assertEquals(n, target.nodeOfPeer(target.peerIdOf(n)));

            Path data = work.resolve(n.name()).resolve("data");
            assertEquals(data, target.dataDir(n));
            assertTrue(Files.isRegularFile(data.resolve("config").resolve("server-users.jsonl")), "users file in " + data);
            assertTrue(Files.isDirectory(data.resolve("databases").resolve(".standin-raft")), "Raft storage under " + data);

            List<String> expected = List.of("-Darcadedb.server.name=" + n.name(), "-Darcadedb.server.rootPath=" + data,
                    "-Darcadedb.server.databaseDirectory=" + data.resolve("databases"),
                    "-Darcadedb.server.httpIncomingHost=127.0.0.1", "-Darcadedb.server.httpIncomingPort=" + p.http(),
                    "-Darcadedb.server.httpsIncomingPort=" + p.https(), "-Darcadedb.ha.raftPort=" + p.raft(),
                    "-Darcadedb.ha.enabled=true", "-Darcadedb.ha.serverList=" + serverList, "-Darcadedb.server.mode=production",
                    "--add-modules", "-cp", StandIn.home().resolve("lib") + "/*", StandIn.MAIN_CLASS);
            List<String> command = target.command(n);
            assertTrue(command.containsAll(expected), "command line of " + n + " has " + expected + ": " + command);
            assertTrue(command.get(0).startsWith(StandIn.java().toString()), "started with the server JDK: " + command.get(0));
            Process process = target.process(n);
            assertTrue(process.isAlive());
            Path proc = Path.of("/proc", String.valueOf(process.pid()));
            assumeTrue(Files.isDirectory(Path.of("/proc/self")),
                    "no /proc on this platform: where the server got its password (environment, not command line) cannot be read");
            assertTrue(Files.isReadable(proc.resolve("environ")) && Files.isReadable(proc.resolve("cmdline")),
                    proc + "/environ and cmdline must be readable to check that the password is in the environment only");
            String cmdline = Files.readString(proc.resolve("cmdline"), StandardCharsets.UTF_8);
            String environ = Files.readString(proc.resolve("environ"), StandardCharsets.UTF_8);
            assertTrue(cmdline.contains("-Darcadedb.server.httpIncomingPort=" + p.http()), "the process got the -D settings");
            assertFalse(cmdline.contains(PASSWORD), "the password must not be on the command line");
            assertTrue(environ.contains("arcadedb.server.rootPassword=" + PASSWORD + "\0"), "the password is in the environment");
            assertTrue(target.logs(n, false).contains("ArcadeDB Server started"), "the log of " + n + " is its stdout");
            assertEquals(204, target.client(n).ready());
            Endpoint direct = new Endpoint() {
                public String name() {
                    return n.name();
                }

                public URI baseUri() {
                    return URI.create("http://127.0.0.1:" + p.http() + "/");
                }
            };
            assertEquals(401, assertThrows(ArcadeHttpException.class, () -> new ArcadeClient(direct, "root", null).cluster()).status(),
                    "no credentials on a protected route");
            assertTrue(assertThrows(ArcadeClient.CredentialsRejectedException.class,
                    () -> new ArcadeClient(direct, "root", "not-the-password").cluster()).getMessage().contains("403 Security error"),
                    "a wrong password is refused with 403");
        }
    }

    private static void restartsKeepingItsDataFolder(LocalTarget target, Node follower) throws IOException {
        Path marker = target.dataDir(follower).resolve("kept.txt");
        Files.writeString(marker, "state from before");
        LocalPorts ports = target.ports(follower);
        String before = target.incarnation(follower);
        target.deleteNode(follower, false);
        String after = target.awaitReplacement(follower, before, TIMEOUT);
        assertNotEquals(before, after, "a new process");
        assertEquals(String.valueOf(target.process(follower).pid()), after, "the incarnation is the process id");
        assertEquals(ports, target.ports(follower), "the same ports after a restart");
        assertTrue(Files.exists(marker), "the data folder survives a restart without wiping");
        assertTrue(target.logs(follower, true).contains("pid " + before), "the previous log is the killed process's");
        assertTrue(target.logs(follower, false).contains("Raft storage recovered"), target.logs(follower, false));
    }

    private static void restartsWithAWipedDataFolder(LocalTarget target, ClusterOps cluster, Rows rows, Node follower) {
        Path marker = target.dataDir(follower).resolve("kept.txt");
        String before = target.incarnation(follower);
        target.deleteNode(follower, true);
        target.awaitReplacement(follower, before, TIMEOUT);
        assertFalse(Files.exists(marker), "deleting the volume removes the data folder");
        rows.awaitOnEveryNode(Set.of("before-restarts"), TIMEOUT);
        // as on 26.8.1: with the leader's log start still there (default segment size, nothing purged) the wiped
        // follower replays the log; only a purged log start forces a snapshot install
        assertFalse(target.logs(follower, false).contains("HA resync started (mode=snapshot"), target.logs(follower, false));
        assertTrue(target.logs(follower, false).contains("Raft storage formatted"), "the wiped follower starts with an empty log");
        cluster.awaitFollowersHealthy(cluster.awaitLeader("one leader", TIMEOUT), TIMEOUT);
    }

    private static void scalesUpWithTheWiderServerList(LocalTarget target, ClusterOps cluster, Rows rows) {
        Map<Node, Long> before = new HashMap<>();
        target.nodes().forEach(n -> before.put(n, target.process(n).pid()));
        target.scaleTo(4, TIMEOUT);
        // local nodes do not join on their own: whoever scales adds them through the leader (the scale-up fault does)
        assertFalse(target.joinsOnItsOwn(cluster.version(TIMEOUT)), "a local node joins only when added");
        Node added = target.nodes().get(3);
        String id = target.peerIdOf(added);
        ha.core.Wait.until("the leader to add " + added, ha.core.Wait.HTTP_POLL, TIMEOUT,
                () -> target.client(cluster.awaitLeader("one leader of 3", TIMEOUT, target.nodes().subList(0, 3)))
                        .addPeer(id, ha.core.PeerIds.host(id) + ":" + ha.core.PeerIds.raftPort(id)), answer -> true);
        List<Node> nodes = target.nodes();
        assertEquals(4, nodes.size());
        String serverList = target.settings().get("arcadedb.ha.serverList");
        assertEquals(4, serverList.split(",").length, serverList);
        for (Node n : nodes) {
            assertTrue(target.command(n).contains("-Darcadedb.ha.serverList=" + serverList), n + " runs with the wider list");
            if (before.containsKey(n)) {
                assertNotEquals(before.get(n), target.process(n).pid(), n + " restarted with the wider list, as the chart rolls its pods");
            }
        }
        Node leader = cluster.awaitLeader("one leader of 4", TIMEOUT);
        cluster.awaitFollowersHealthy(leader, TIMEOUT);
        rows.insertAcknowledged(leader, "after-scale-up", "test", TIMEOUT);
        rows.awaitOnEveryNode(Set.of("before-restarts", "after-scale-up"), TIMEOUT);
    }

    @Test
    void basePortGivesEveryNodeThreeConsecutivePorts() {
        // the other test JVM picks ports at random, so a block seen free may be taken before allocate checks it:
        // a block found in use is skipped, the arithmetic is checked on the first one that stays free
        LocalPorts ports = null;
        int base = 0;
        for (int candidate = 21_000; candidate < 30_000 && ports == null; candidate += 97) {
            boolean free = true;
            for (int p = candidate; p < candidate + 6; p++) {
                free &= isFree(p);
            }
            if (free) {
                try {
                    ports = LocalPorts.allocate(candidate, 1, "arcadedb-1");
                    base = candidate;
                } catch (ha.core.SuiteException takenMeanwhile) {
                    assertTrue(takenMeanwhile.getMessage().contains("is in use"), takenMeanwhile.getMessage());
                }
            }
        }
        assumeTrue(ports != null, "no 6 free consecutive ports found");
        assertEquals(new LocalPorts(base + 3, base + 4, base + 5), ports);
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
