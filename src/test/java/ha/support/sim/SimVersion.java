package ha.support.sim;

/** The ArcadeDB release line a simulator imitates: 26.7.x, 26.8.x or HEAD (26.9.1-SNAPSHOT). */
final class SimVersion {
    static final int V26_7 = 0;
    static final int V26_8 = 1;
    static final int HEAD = 2;

    final String raw;
    final int line;

    private SimVersion(String raw, int line) {
        this.raw = raw;
        this.line = line;
    }

    static SimVersion parse(String version) {
        if (version == null) {
            throw new IllegalArgumentException("version is null");
        }
        String v = version.trim();
        if (v.startsWith("26.7.")) {
            return new SimVersion(v, V26_7);
        }
        if (v.startsWith("26.8.")) {
            return new SimVersion(v, V26_8);
        }
        if (v.startsWith("26.9.")) {
            return new SimVersion(v, HEAD);
        }
        throw new IllegalArgumentException("unsupported ArcadeDB version for the simulator: " + version
                + " (use 26.7.3, 26.8.1 or 26.9.1-SNAPSHOT)");
    }

    /** 26.8.1 and later: raftState, leaderReady, RTTs, STALLED rules 2-3, transfer validation, auto-join, query limits. */
    boolean atLeast268() {
        return line >= V26_8;
    }

    /** HEAD only: peers[].httpAddress, wrapped retryables answer 503, forwarding loop guard. */
    boolean head() {
        return line >= HEAD;
    }

    String display() {
        return raw + " (build sim)";
    }

    @Override
    public String toString() {
        return raw;
    }
}
