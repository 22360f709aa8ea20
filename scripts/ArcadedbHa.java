///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off
//CDS
//SOURCES ha/**/*.java
//SOURCES HaRollout.java HaHealth.java HaQuorum.java HaWrite.java HaRead.java HaReplicaHealth.java HaTransfer.java
//SOURCES HaScaleUp.java HaSnapshotRecovery.java HaFailover.java HaRollingRestart.java
//SOURCES HaPause.java
//SOURCES HaPartition.java
//DESCRIPTION The ArcadeDB HA suite: runs every phase (or --phases/--from) in order against one cluster, the chart's release or local server processes.
package ha.scripts;

import ha.core.UsageException;
import ha.run.Cli;
import ha.run.CommonOptions;
import ha.run.Phase;
import ha.run.PhaseRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "arcadedb-ha", mixinStandardHelpOptions = true, sortOptions = false, version = Cli.VERSION,
        description = {
            "Proves that ArcadeDB's Raft high availability works on a cluster installed",
            "with the chart. Runs the phases in this order (each is also its own script,",
            "alias ha-<phase>):",
            "  rollout, health, quorum, write, read, replica-health, transfer,",
            "  then the disruptive ones: scale-up, snapshot-recovery, failover,",
            "  pause, rolling-restart, partition",
            "",
            "Exit code: 0 every selected phase passed, 1 a phase failed or the cluster",
            "could not be used, 2 bad usage (before any server starts), 130 Ctrl-C",
            "(the running phase is recorded as interrupted)."})
public class ArcadedbHa implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--phases", split = ",", paramLabel = "NAME",
            description = "Run only these phases (comma-separated), in the suite's order.")
    List<String> only;

    @Option(names = "--from", paramLabel = "NAME", description = "Start at this phase and run the ones after it.")
    String from;

    @Option(names = "--fail-fast", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Stop at the first failed phase (default); --no-fail-fast runs the rest anyway.")
    boolean failFast = true;

    @Option(names = "--list", description = "List the phases and exit.")
    boolean list;

    @Option(names = "--scale-to", paramLabel = "N", description = "Nodes the scale-up phase grows the cluster to (default: ${DEFAULT-VALUE}).")
    int scaleTo = 5;

    @Option(names = "--keep-scaled", description = "Leave the cluster at --scale-to nodes after scale-up.")
    boolean keepScaled;

    /** Every phase of the suite, in the order the driver runs them: the disruptive ones last. */
    public List<Phase> allPhases() {
        return List.of(new HaRollout(), new HaHealth(), new HaQuorum(), new HaWrite(), new HaRead(),
                new HaReplicaHealth(), new HaTransfer(),
                new HaScaleUp().scaling(scaleTo, keepScaled), new HaSnapshotRecovery(), new HaFailover(),
                new HaPause(), new HaRollingRestart(), new HaPartition());
    }

    /** The phases the command line selects, in suite order; unknown names are usage errors. */
    static List<Phase> select(List<Phase> all, List<String> only, String from) {
        Map<String, Phase> byName = new LinkedHashMap<>();
        all.forEach(p -> byName.put(p.name(), p));
        List<String> names = new ArrayList<>(byName.keySet());
        if (only != null) {
            for (String n : only) {
                if (!byName.containsKey(n.trim())) {
                    throw new UsageException("unknown phase '" + n.trim() + "'; phases: " + String.join(", ", names));
                }
            }
        }
        if (from != null && !byName.containsKey(from)) {
            throw new UsageException("unknown phase '" + from + "' in --from; phases: " + String.join(", ", names));
        }
        List<Phase> selected = new ArrayList<>();
        boolean started = from == null;
        for (Phase p : all) {
            started |= p.name().equals(from);
            boolean wanted = only == null || only.stream().anyMatch(n -> n.trim().equals(p.name()));
            if (started && wanted) {
                selected.add(p);
            }
        }
        if (selected.isEmpty()) {
            throw new UsageException("--phases and --from select no phase together");
        }
        return selected;
    }

    @Override
    public Integer call() {
        List<Phase> phases = select(allPhases(), only, from);
        if (list) {
            int width = phases.stream().mapToInt(p -> p.name().length()).max().orElse(0);
            phases.forEach(p -> System.out.printf("%-" + width + "s  %s%n", p.name(), p.summary()));
            return Cli.PASSED;
        }
        return new PhaseRunner(common, failFast).run(phases);
    }

    public static void main(String... args) {
        System.exit(Cli.execute(new ArcadedbHa(), args));
    }
}
