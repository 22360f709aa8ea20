package ha.run;

/**
 * One scenario of the suite. Each phase is its own JBang script (alias {@code ha-<name>}) and also
 * runs inside the driver, which shares one target and one port-forward pool between phases.
 * A phase discovers what it needs (the leader, the test database) instead of relying on an earlier one.
 */
public interface Phase {
    /** The name used by --phases, reports and the alias: "health", "replica-health", … */
    String name();

    /** One line: what the phase proves. */
    String summary();

    /**
     * The fewest nodes the scenario makes sense on; on a smaller cluster the runner skips the phase with
     * that reason instead of letting it fail in odd ways. A disruptive phase needs what its fault needs
     * ({@link Fault#nodesNeeded}); a phase that needs a follower (to hand over to, to check) says 2.
     */
    default int minimumNodes() {
        return 1;
    }

    /** A leader and a follower: what a phase about followers needs. */
    int LEADER_AND_FOLLOWER = 2;

    /**
     * Whether the phase cuts the network between nodes (partition): a local target then starts its nodes with peers
     * resolved by name through hosts files of their own, so that pairs can be cut (see {@link LocalNetwork}).
     */
    default boolean cutsTheNetwork() {
        return false;
    }

    /** Runs the scenario; throws {@link PhaseFailure} when it does not hold, {@link PhaseSkipped} when it cannot apply. */
    void run(PhaseContext ctx) throws Exception;

    /** Refuses options of this phase that cannot work with the run's common options (a usage error, exit 2); none by default. */
    default void checkUsage(CommonOptions options) {
    }
}
