package ha.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An ArcadeDB version as reported by GET /api/v1/server?mode=basic, e.g. "26.8.1 (build 1a2b3c…)". */
public record ServerVersion(int major, int minor, int patch, String raw) implements Comparable<ServerVersion> {
    private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    public static ServerVersion parse(String raw) {
        Matcher m = NUMBERS.matcher(raw == null ? "" : raw);
        if (!m.find()) {
            throw new SuiteException("cannot read a version number from '" + raw + "'");
        }
        return new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), raw);
    }

    public boolean atLeast(int maj, int min, int pat) {
        return compareTo(new ServerVersion(maj, min, pat, "")) >= 0;
    }

    /** replicaStatus and the other per-follower health fields are in the leader's answer (26.7.1+). */
    public boolean reportsReplicaStatus() {
        return atLeast(26, 7, 1);
    }

    /** leaderReady and raftState exist (26.8.1+). */
    public boolean reportsLeaderReady() {
        return atLeast(26, 8, 1);
    }

    /** New peers join on their own and restarts keep membership (26.8.1+). */
    public boolean autoJoins() {
        return atLeast(26, 8, 1);
    }

    @Override
    public int compareTo(ServerVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
