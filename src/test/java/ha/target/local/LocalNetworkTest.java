package ha.target.local;

import ha.support.standin.StandIn;

import ha.core.Node;
import ha.core.Procs;
import ha.core.Wait;
import ha.support.DefaultSigint;
import ha.support.Leftovers;
import ha.support.Jbang;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The local target's network cuts leave nothing behind: the nft table of a run is gone after the run, after Ctrl-C, and
 * a killed run's table is removed at the next start. Needs root and nft (ci/bootstrap.sh --lint-tools installs
 * nftables); skipped with the reason otherwise.
 */
class LocalNetworkTest {
    private static final Duration NFT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @BeforeEach
    void needsNft() {
        String why = LocalNetwork.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
    }

    private static String tables() {
        return Procs.run(LocalNetwork.nft("list", "tables"), NFT).stdout();
    }

    private static String set(String table) {
        return Procs.run(LocalNetwork.nft("list", "set", "inet", table, "cut"), NFT).stdout();
    }

    @Test
    void aTableWhoseRunIsGoneIsRemovedAtStartAndALiveRunsIsKept() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        Process alive = new ProcessBuilder("sleep", "60").start();
        String stale = LocalNetwork.TABLE_PREFIX + gone.pid();
        String live = LocalNetwork.TABLE_PREFIX + alive.pid();
        try {
            assertTrue(Procs.run(LocalNetwork.nft("add", "table", "inet", stale), NFT).ok());
            assertTrue(Procs.run(LocalNetwork.nft("add", "table", "inet", live), NFT).ok());
            List<String> removed = LocalNetwork.removeStale();
            assertTrue(removed.contains(stale), "the killed run's table is removed: " + removed);
            assertFalse(removed.contains(live), "a running run's table is kept: " + removed);
            assertFalse(tables().contains(stale + "\n"), tables());
            assertTrue(tables().contains(live), tables());
        } finally {
            alive.destroyForcibly();
            Procs.run(LocalNetwork.nft("delete", "table", "inet", live), NFT);
            Procs.run(LocalNetwork.nft("delete", "table", "inet", stale), NFT);
        }
    }

    @Test
    void aCutPutsBothDirectionsOfEveryPairInTheSetAndTheHealEmptiesIt() {
        LocalNetwork net = LocalNetwork.install(List.of(40001));
        try {
            assertTrue(tables().contains("table inet " + net.table()), tables());
            net.cut(List.of(0), List.of(1, 2));
            String cut = set(net.table());
            for (String pair : List.of("127.10.0.1", "127.10.1.0", "127.10.0.2", "127.10.2.0")) {
                assertTrue(cut.contains(pair), "expected " + pair + " in the cut set: " + cut);
            }
            assertFalse(cut.contains("127.10.1.2") || cut.contains("127.10.2.1"), "the majority still reaches itself: " + cut);
            net.heal();
            assertFalse(set(net.table()).contains("127.10."), "the heal empties the set: " + set(net.table()));
        } finally {
            net.remove();
        }
        assertFalse(tables().contains(net.table()), "the table is deleted at the end: " + tables());
    }

    @Test
    void hostsFilesGiveEveryPairItsOwnAddressAndKeepTheNames() {
        String hosts = LocalNetwork.hostsFile(1, "arcadedb-1", List.of("arcadedb-0", "arcadedb-1", "arcadedb-2"));
        assertTrue(hosts.contains("127.0.0.1 arcadedb-1 localhost"), hosts);
        assertTrue(hosts.contains("127.10.1.0 arcadedb-0\n") && hosts.contains("127.10.1.2 arcadedb-2\n"), hosts);
        assertFalse(hosts.contains("arcadedb-1\n127.10"), hosts);
    }

    @Test
    void namedPeersGiveTheSameServerListOnEveryNodeAndTheTableGoesWithTheTarget() {
        ha.target.local.LocalOptions options = StandIn.options(tmp.resolve("work"), 3);
        options.namedPeers = true;
        String table;
        try (LocalTarget target = LocalTarget.start(options, Map.of(), tmp.resolve("reports"))) {
            table = target.networkTable();
            assertTrue(table != null && tables().contains(table), "a table of the run: " + tables());
            List<String> lists = new ArrayList<>();
            for (Node n : target.nodes()) {
                lists.add(target.settings(n).get("arcadedb.ha.serverList"));
                assertTrue(target.command(n).contains("-Djdk.net.hosts.file=" + target.nodeDir(n).resolve("hosts")), target.command(n).toString());
                assertEquals(n.name() + "_" + target.ports(n).raft(), target.peerIdOf(n));
            }
            assertEquals(1, lists.stream().distinct().count(), "one server list: " + lists);
            assertTrue(lists.get(0).startsWith("arcadedb-0@arcadedb-0:"), lists.get(0));
        }
        assertFalse(tables().contains(table), "the table is deleted when the target closes: " + tables());
    }

    @Test
    void ctrlCDeletesTheTable() throws Exception {
        List<String> args = new ArrayList<>(StandIn.args(tmp.resolve("work"), 3));
        args.addAll(List.of("--named-peers", "--phases", "quorum", "--timeout", "5m", "--report-dir", tmp.resolve("r").toString()));
        ProcessBuilder pb = Jbang.builder(Map.of(), "arcadedb-ha", args.toArray(String[]::new));
        pb.command(DefaultSigint.wrap(pb.command()));
        Path out = tmp.resolve("stdout.txt");
        pb.redirectOutput(out.toFile()).redirectErrorStream(true);
        Process suite = pb.start();
        Pattern made = Pattern.compile("nft table inet (" + LocalNetwork.TABLE_PREFIX + "\\d+) made");
        String text = Wait.until("the suite to make its nft table", Duration.ofMillis(200), Duration.ofMinutes(3),
                () -> Files.readString(out), t -> made.matcher(t).find() || !suite.isAlive());
        Matcher m = made.matcher(text);
        if (!m.find()) {
            fail("expected the suite to make an nft table; it printed:\n" + text);
        }
        String table = m.group(1);
        assertTrue(tables().contains(table), tables());
        new ProcessBuilder("kill", "-INT", String.valueOf(suite.pid())).start().waitFor();
        if (!suite.waitFor(60, TimeUnit.SECONDS)) {
            suite.destroyForcibly();
            fail("the suite did not stop within 60 s of Ctrl-C; it printed:\n" + Files.readString(out));
        }
        assertFalse(tables().contains(table), "no nft table is left after Ctrl-C: " + tables() + "\nthe suite printed:\n" + Files.readString(out));
        // Ctrl-C came while the servers were being started: one started after the shutdown hook ran must not outlive it
        List<String> left = Leftovers.processesUsing(tmp.resolve("work"));
        left.forEach(l -> ProcessHandle.of(Long.parseLong(l.substring(0, l.indexOf(' ')))).ifPresent(ProcessHandle::destroyForcibly));
        assertEquals(List.of(), left, "no server process outlives Ctrl-C during startup; the suite printed:\n" + Files.readString(out));
    }
}
