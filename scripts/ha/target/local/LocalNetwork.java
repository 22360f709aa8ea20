package ha.target.local;

import ha.core.Log;
import ha.core.Procs;
import ha.core.SuiteException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network cuts between local server processes, with the kernel and loopback only (reference: "A partition on
 * loopback alone"). Each node resolves its peers by name through a hosts file of its own
 * ({@code -Djdk.net.hosts.file}); for node i the peer j is at 127.10.i.j, an address of that (from, to) pair alone, so
 * every node keeps the same server list and peer ids. A cut puts the pair addresses of every (a, b) and (b, a) across
 * the cut into a set of one nftables table of the suite's own, {@code arcadedb_ha_<pid>}, whose output-hook chain
 * drops packets to and from them (loopback traffic passes the output hook; open connections stop too). Since a
 * server is reached by its peers at those addresses its HTTP listener binds every interface here; the same table
 * drops what reaches the nodes' ports from anywhere but loopback. The table is made when the target starts, its cut
 * set emptied at heal, and it is deleted when the target closes and at the JVM's shutdown (Ctrl-C); a table named so
 * whose process is gone is deleted at the next start. Needs root, or a user who may run {@code sudo -n nft}.
 */
public final class LocalNetwork {
    /** What every table of the suite's own is named: the prefix and the pid of the run that made it. */
    public static final String TABLE_PREFIX = "arcadedb_ha_";
    private static final Pattern TABLE_LINE = Pattern.compile("^table inet (" + TABLE_PREFIX + "(\\d+))$");
    private static final Duration NFT_TIMEOUT = Duration.ofSeconds(20);

    private final String table;
    private final AtomicBoolean installed = new AtomicBoolean();
    private final Thread hook;
    private final Set<String> cut = new LinkedHashSet<>();

    private LocalNetwork(String table) {
        this.table = table;
        this.hook = new Thread(this::removeQuietly, "ha-nft-cleanup");
    }

    /** The table name of this JVM's run. */
    public static String tableOfThisRun() {
        return TABLE_PREFIX + ProcessHandle.current().pid();
    }

    /** nft, or {@code sudo -n nft} for a user who is not root but may run it without a password (GitHub's runners). */
    private static volatile List<String> nft;

    /** Why cuts cannot be made on this machine (no root nor password-less sudo, no nft), or null when they can. */
    public static String unavailableReason() {
        String user = System.getProperty("user.name");
        boolean root = "root".equals(user) || isRootByUid();
        List<String> command = root ? List.of("nft") : List.of("sudo", "-n", "nft");
        try {
            Process p = new ProcessBuilder(concat(command, "list", "tables")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return root ? "nft list tables failed (" + out + "); cutting the network between local servers needs nftables"
                        : "cutting the network between local servers needs root or password-less sudo for nft (nftables); running as "
                        + user + ": " + out;
            }
        } catch (IOException e) {
            return root ? "nft (Debian's nftables) is not installed; cutting the network between local servers needs it"
                    : "cutting the network between local servers needs root (or sudo) and nft (nftables); running as " + user;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while looking for nft";
        }
        nft = command;
        return null;
    }

    /** The command line of nft with {@code args}, as this machine runs it (nft, or sudo -n nft). */
    public static List<String> nft(String... args) {
        if (nft == null) {
            String why = unavailableReason();
            if (why != null) {
                throw new SuiteException(why);
            }
        }
        return concat(nft, args);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> out = new ArrayList<>(head);
        out.addAll(List.of(tail));
        return out;
    }

    private static boolean isRootByUid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The address node {@code from} reaches peer {@code to} at. */
    public static String pairAddress(int from, int to) {
        if (from < 0 || from > 255 || to < 0 || to > 255) {
            throw new IllegalArgumentException("ordinals 0..255 only, saw " + from + " -> " + to);
        }
        return "127.10." + from + "." + to;
    }

    /** The hosts file of node {@code self}: itself, localhost and this machine's name at 127.0.0.1, each peer at its pair address. */
    public static String hostsFile(int self, String selfName, List<String> names) {
        StringBuilder sb = new StringBuilder("# written by the ArcadeDB HA suite: peers by (from, to) pair address\n");
        sb.append("127.0.0.1 ").append(selfName).append(" localhost");
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (!host.isBlank() && !host.equals(selfName) && !host.equals("localhost")) {
                sb.append(' ').append(host);
            }
        } catch (IOException e) {
            // the machine's own name is only a convenience for libraries that look it up
        }
        sb.append('\n');
        for (int j = 0; j < names.size(); j++) {
            if (j != self) {
                sb.append(pairAddress(self, j)).append(' ').append(names.get(j)).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Removes the suite's tables whose run is gone (a killed run's), saying so in one line, then makes this run's:
     * an empty cut set, the output chain that drops it, and an input chain that keeps {@code ports} loopback-only.
     */
    public static LocalNetwork install(List<Integer> ports) {
        removeStale();
        LocalNetwork net = new LocalNetwork(tableOfThisRun());
        StringBuilder rules = new StringBuilder();
        rules.append("table inet ").append(net.table).append(" {\n")
                .append("  set cut { type ipv4_addr; }\n")
                .append("  chain out { type filter hook output priority 0; policy accept; ip daddr @cut drop; ip saddr @cut drop; }\n");
        if (!ports.isEmpty()) {
            rules.append("  chain in { type filter hook input priority 0; policy accept; iif != lo tcp dport { ")
                    .append(String.join(", ", ports.stream().map(String::valueOf).toList())).append(" } drop; }\n");
        }
        rules.append("}\n");
        net.nftScript(rules.toString());
        net.installed.set(true);
        Runtime.getRuntime().addShutdownHook(net.hook);
        Log.step("nft table inet %s made (cuts between local servers; deleted when the run ends)", net.table);
        return net;
    }

    /** Deletes every table of the suite's own whose pid names no live process; one line per table deleted. */
    public static List<String> removeStale() {
        List<String> removed = new ArrayList<>();
        Procs.Result list = Procs.run(nft("list", "tables"), NFT_TIMEOUT);
        if (!list.ok()) {
            throw new SuiteException("nft list tables failed: " + list.lastLine());
        }
        for (String line : list.stdout().split("\n")) {
            Matcher m = TABLE_LINE.matcher(line.strip());
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(2))).map(h -> !h.isAlive()).orElse(true)) {
                Procs.Result del = Procs.run(nft("delete", "table", "inet", m.group(1)), NFT_TIMEOUT);
                if (del.ok()) {
                    Log.step("removed the nft table inet %s a killed run left behind (its process %s is gone)", m.group(1), m.group(2));
                    removed.add(m.group(1));
                }
            }
        }
        return removed;
    }

    /** The name of this run's table. */
    public String table() {
        return table;
    }

    /** Drops every packet between the pair addresses of {@code a} and {@code b}, both directions. */
    public synchronized void cut(List<Integer> a, List<Integer> b) {
        List<String> addresses = new ArrayList<>();
        for (int i : a) {
            for (int j : b) {
                addresses.add(pairAddress(i, j));
                addresses.add(pairAddress(j, i));
            }
        }
        nftScript("add element inet " + table + " cut { " + String.join(", ", addresses) + " }\n");
        cut.addAll(addresses);
    }

    /** Empties the cut set: every pair reaches every other again. */
    public synchronized void heal() {
        if (installed.get()) {
            nftScript("flush set inet " + table + " cut\n");
        }
        cut.clear();
    }

    /** The pair addresses cut now. */
    public synchronized Set<String> cutAddresses() {
        return Set.copyOf(cut);
    }

    /** Deletes the table (safe to call twice). */
    public void remove() {
        if (installed.compareAndSet(true, false)) {
            Procs.Result r = Procs.run(nft("delete", "table", "inet", table), NFT_TIMEOUT);
            if (!r.ok()) {
                Log.warn("could not delete the nft table inet %s: %s (delete it with: nft delete table inet %s)", table, r.lastLine(), table);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: nothing left to do
            }
        }
    }

    /** At shutdown: deletes the table without the process helpers (their own hook may be killing children meanwhile). */
    private void removeQuietly() {
        if (installed.compareAndSet(true, false)) {
            try {
                Process p = new ProcessBuilder(nft("delete", "table", "inet", table)).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                // nothing more can be done at shutdown; the next run removes the table as stale
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void nftScript(String script) {
        Path file;
        try {
            file = Files.createTempFile("arcadedb-ha-nft", ".nft");
            Files.writeString(file, script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SuiteException("cannot write an nft script: " + e.getMessage());
        }
        try {
            Procs.Result r = Procs.run(nft("-f", file.toString()), NFT_TIMEOUT);
            if (!r.ok()) {
                throw new SuiteException("nft -f failed on table " + table + ": " + r.lastLine());
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left in /tmp is harmless
            }
        }
    }
}
