package ha.support.pods;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that lists how a pod run here differs from its rendered spec: only what running every
 * pod on one machine forces. Everything else (command, args, env, working dir, mounts, probes, grace
 * periods) is taken from the spec as it is; anything the fixture cannot model fails loudly instead of
 * being dropped. {@link #describe()} is what the fixture tests print.
 */
public final class PodRewrites {
    /** Settings whose value is one of the pod's own ports. */
    static final Map<String, String> PORT_SETTINGS = Map.of(
            "arcadedb.server.httpIncomingPort", "http",
            "arcadedb.server.httpsIncomingPort", "https",
            "arcadedb.ha.raftPort", "raft");
    static final String SERVER_LIST = "arcadedb.ha.serverList";

    /** Every rewrite, in the order they are applied; printed by the tests. */
    static final List<String> RULES = List.of(
            "shell: a command that is a script (server.sh: #!/usr/bin/env sh) or sh/ash runs under `busybox sh`, the Alpine image's "
                    + "/bin/sh; other bare commands run as busybox applets",
            "paths: in command, args, env values and workingDir, an absolute path under a volume mount becomes the same path in "
                    + "the volume's folder, and one under the image home " + ImageDefaults.HOME + " or /tmp is prefixed with the "
                    + "container's own folder <pod>/containers/<name>/fs",
            "image folders: " + ImageDefaults.HOME + "/{bin,lib,config} are links to the real installation (read-only), unless a "
                    + "volume is mounted there; volume mounts are links to per-pod folders (emptyDir: new per pod; claims: per claim)",
            "ports: each pod's HTTP, HTTPS and Raft ports become free local ones in -D" + String.join(", -D", PORT_SETTINGS.keySet())
                    + " and in every entry of -D" + SERVER_LIST + " (the pod is known by its host name)",
            "https port: JAVA_TOOL_OPTIONS gains -Darcadedb.server.httpsIncomingPort=<local> (the server opens it even when the spec "
                    + "does not name it, and two pods on one machine would collide)",
            "dns: JAVA_TOOL_OPTIONS gains -Djdk.net.hosts.file=<file> that resolves every pod's DNS names (and localhost and this "
                    + "machine's name) to 127.0.0.1; when Chaos Mesh is played, a file per pod that resolves pod j's names, for pod i, "
                    + "to 127.10.i.j (its own to 127.0.0.1), so that a NetworkChaos can cut pairs with nft",
            "tmp: JAVA_TOOL_OPTIONS gains -Djava.io.tmpdir=<the container's /tmp folder>",
            "fieldRef status.podIP / status.hostIP: 127.0.0.1",
            "JAVA_HOME: the image's " + ImageDefaults.JAVA_HOME + " becomes a local JDK 21+; PATH becomes <busybox applets>:<JDK>/bin:"
                    + "/usr/bin:/bin",
            "memory: ARCADEDB_OPTS_MEMORY becomes " + Setup.HEAP + " (three JVMs share two cores)",
            "user: when the fixture runs as root, the container runs as its securityContext runAsUser/runAsGroup with fsGroup "
                    + "(setpriv); otherwise as the fixture's user");

    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![A-Za-z0-9_./-])/[A-Za-z0-9_.@+/-]*");
    private static final Pattern PORT_ARG = Pattern.compile("-D(" + String.join("|", PORT_SETTINGS.keySet()).replace(".", "\\.")
            + ")=([0-9-]+)");
    private static final Pattern SERVER_LIST_ARG = Pattern.compile("-D" + SERVER_LIST.replace(".", "\\.") + "=([^\\s'\"]+)");

    private static final String SETPRIV = Files.isExecutable(Path.of("/usr/bin/setpriv")) ? "/usr/bin/setpriv" : "setpriv";

    private PodRewrites() {
    }

    public static String describe() {
        StringBuilder out = new StringBuilder("pod rewrites (the only differences from the rendered spec):\n");
        for (int i = 0; i < RULES.size(); i++) {
            out.append("  ").append(i + 1).append(". ").append(RULES.get(i)).append('\n');
        }
        return out.toString();
    }

    /** The machine-wide parts: the real installation, the JDK, busybox. */
    record Setup(Path installation, Path jdk, Path busybox, Path applets, Path hostsFile, boolean asRoot) {
        static final String HEAP = "-Xms128m -Xmx512m";

        /** The same set-up with another hosts file (one pod's own). */
        Setup withHostsFile(Path file) {
            return new Setup(installation, jdk, busybox, applets, file, asRoot);
        }
    }

    /** The rewrites of one container of one pod. */
    static final class ForContainer {
        private final Setup setup;
        private final Path fs;
        private final PodPorts own;
        private final Function<String, PodPorts> portsOfHost;
        private final List<String> roots;
        private final Map<String, Path> mounts;

        /**
         * @param fs          the container's folder standing for its root file system
         * @param own         this pod's local ports
         * @param portsOfHost the local ports of the pod a server-list host names, or null for a host that is no pod
         * @param mounts      the container's volume mount paths and the folders they show
         */
        ForContainer(Setup setup, Path fs, PodPorts own, Function<String, PodPorts> portsOfHost, Map<String, Path> mounts) {
            this.setup = setup;
            this.fs = fs;
            this.own = own;
            this.portsOfHost = portsOfHost;
            this.mounts = mounts;
            List<String> r = new ArrayList<>(mounts.keySet());
            r.add(ImageDefaults.HOME);
            r.add("/tmp");
            this.roots = List.copyOf(r);
        }

        Path fs() {
            return fs;
        }

        /** A container path as the process sees it here: in its volume's folder, in the container's folder, or as it is. */
        Path path(String containerPath) {
            String mount = null;
            for (String m : mounts.keySet()) {
                if (under(containerPath, m) && (mount == null || m.length() > mount.length())) {
                    mount = m;
                }
            }
            if (mount != null) {
                String rest = containerPath.substring(Math.min(containerPath.length(), mount.length()));
                return Path.of(mounts.get(mount) + rest);
            }
            return roots.stream().anyMatch(r -> under(containerPath, r)) ? Path.of(fs + containerPath) : Path.of(containerPath);
        }

        private static boolean under(String p, String root) {
            String r = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
            return p.equals(r) || p.startsWith(r + "/");
        }

        /** Ports, then paths, in one string of the spec (an arg, an env value, a command word). */
        String text(String s) {
            if (s == null) {
                return null;
            }
            return paths(serverList(ports(s)));
        }

        /** An env entry's value: as {@link #text}, and a dotted port setting given as env gets the local port. */
        String envValue(String name, String value) {
            String role = PORT_SETTINGS.get(name);
            if (role != null && value != null && value.matches("[0-9-]+")) {
                return String.valueOf(own.byName(role));
            }
            if (SERVER_LIST.equals(name) && value != null) {
                return serverListValue(value);
            }
            return text(value);
        }

        String ports(String s) {
            Matcher m = PORT_ARG.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement("-D" + m.group(1) + "=" + own.byName(PORT_SETTINGS.get(m.group(1)))));
            }
            m.appendTail(out);
            return out.toString();
        }

        String serverList(String s) {
            Matcher m = SERVER_LIST_ARG.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement("-D" + SERVER_LIST + "=" + serverListValue(m.group(1))));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** Entries "[name@]host:raft:http[:priority[:https]]" or "host:{raft:..,http:..,https:..}". */
        String serverListValue(String list) {
            List<String> entries = new ArrayList<>();
            for (String entry : list.split(",")) {
                entries.add(serverListEntry(entry.trim()));
            }
            return String.join(",", entries);
        }

        private String serverListEntry(String entry) {
            int at = entry.indexOf('@');
            String name = at < 0 ? "" : entry.substring(0, at + 1);
            String rest = entry.substring(at + 1);
            int colon = rest.indexOf(':');
            String host = colon < 0 ? rest : rest.substring(0, colon);
            PodPorts ports = portsOfHost.apply(host);
            if (ports == null) {
                return entry;
            }
            if (colon < 0) {
                throw new IllegalStateException("server list entry '" + entry + "' names no ports: pods on one machine need their own"
                        + " (the fixture cannot give this entry per-pod ports)");
            }
            String tail = rest.substring(colon + 1);
            if (tail.startsWith("{")) {
                Map<String, String> fields = new LinkedHashMap<>();
                for (String kv : tail.substring(1, tail.length() - 1).split(",")) {
                    String[] p = kv.split(":", 2);
                    int local = ports.byName(p[0].trim());
                    fields.put(p[0].trim(), local > 0 ? String.valueOf(local) : p[1].trim());
                }
                StringBuilder b = new StringBuilder();
                fields.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append(':').append(v));
                return name + host + ":{" + b + "}";
            }
            String[] f = tail.split(":", -1);
            if (f.length < 2) {
                throw new IllegalStateException("server list entry '" + entry + "' names the Raft port but no HTTP port: pods on one"
                        + " machine need their own HTTP ports in the list");
            }
            f[0] = String.valueOf(ports.raft());
            f[1] = String.valueOf(ports.http());
            if (f.length >= 4) {
                f[3] = String.valueOf(ports.https());
            }
            return name + host + ":" + String.join(":", f);
        }

        String paths(String s) {
            Matcher m = ABSOLUTE_PATH.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(path(m.group()).toString()));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** The environment after the spec's: JAVA_HOME, PATH, memory and the JVM's system properties for this machine. */
        Map<String, String> env(Map<String, String> fromSpec) {
            Map<String, String> env = new LinkedHashMap<>(fromSpec);
            env.put("JAVA_HOME", setup.jdk().toString());
            env.put("PATH", setup.applets() + ":" + setup.jdk().resolve("bin") + ":/usr/bin:/bin");
            if (env.containsKey("ARCADEDB_OPTS_MEMORY")) {
                env.put("ARCADEDB_OPTS_MEMORY", Setup.HEAP);
            }
            String tool = "-Djdk.net.hosts.file=" + setup.hostsFile() + " -Djava.io.tmpdir=" + path("/tmp")
                    + " -Darcadedb.server.httpsIncomingPort=" + own.https();
            env.merge("JAVA_TOOL_OPTIONS", tool, (given, ours) -> given + " " + ours);
            return env;
        }

        /** The command as run here: busybox for the shell and applets, the JDK for java, setpriv for the user. */
        List<String> command(List<String> words, Long runAsUser, Long runAsGroup, Long fsGroup, List<Long> supplementalGroups) {
            List<String> cmd = new ArrayList<>();
            if (setup.asRoot() && runAsUser != null) {
                cmd.add(SETPRIV);
                cmd.add("--reuid=" + runAsUser);
                cmd.add("--regid=" + (runAsGroup != null ? runAsGroup : runAsUser));
                List<String> groups = new ArrayList<>();
                if (fsGroup != null) {
                    groups.add(String.valueOf(fsGroup));
                }
                supplementalGroups.forEach(g -> groups.add(String.valueOf(g)));
                if (groups.isEmpty()) {
                    cmd.add("--clear-groups");
                } else {
                    cmd.add("--groups=" + String.join(",", groups));
                }
                cmd.add("--");
            }
            String first = words.get(0);
            String base = first.substring(first.lastIndexOf('/') + 1);
            List<String> rest = words.subList(1, words.size()).stream().map(this::text).toList();
            if (first.startsWith("/") && roots.stream().anyMatch(r -> under(first, r))) {
                cmd.add(setup.busybox().toString());
                cmd.add("sh");
                cmd.add(text(first));
            } else if (base.equals("sh") || base.equals("ash")) {
                cmd.add(setup.busybox().toString());
                cmd.add("sh");
            } else if (base.equals("java")) {
                cmd.add(setup.jdk().resolve("bin/java").toString());
            } else {
                cmd.add(setup.busybox().toString());
                cmd.add(base);
            }
            cmd.addAll(rest);
            return cmd;
        }
    }
}
