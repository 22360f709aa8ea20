package ha.run;

import ha.check.ClusterOps;
import ha.check.History;
import ha.check.Rows;
import ha.core.Log;
import ha.core.PhaseFailure;
import ha.core.PhaseSkipped;
import ha.core.Redactor;
import ha.core.ReportOptions;
import ha.core.RunLock;
import ha.core.SuiteException;
import ha.core.UsageException;
import ha.target.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs phases in order against one target: prints "[n/N] name" headers with timings and a summary,
 * turns failures into results, and closes the target (port-forwards, processes) at the end, also
 * on Ctrl-C. Exit code 0 only when every selected phase passed (or was skipped with a reason).
 */
public final class PhaseRunner {
    private final CommonOptions options;
    private final boolean failFast;

    public PhaseRunner(CommonOptions options, boolean failFast) {
        this.options = options;
        this.failFast = failFast;
    }

    /** Used by every phase script: run this one phase. */
    public static int runAlone(CommonOptions options, Phase phase) {
        return new PhaseRunner(options, true).run(List.of(phase));
    }

    public int run(List<Phase> phases) {
        Log.setVerbose(options.verbose);
        long start = System.nanoTime();
        options.checkTargetOptions();
        phases.forEach(p -> p.checkUsage(options));
        Path dir = options.reports.reportDir();
        boolean dirExisted = Files.isDirectory(dir);
        RunLock lock = RunLock.take(dir, "--report-dir", runId());
        options.local.namedPeers |= phases.stream().anyMatch(Phase::cutsTheNetwork);
        try {
            return runLocked(phases, dir, lock, start);
        } catch (UsageException e) {
            if (!dirExisted) {
                lock.closeAndForget();
                RunReport.removeIfEmpty(dir);
            }
            throw e;
        } finally {
            lock.close();
        }
    }

    private int runLocked(List<Phase> phases, Path dir, RunLock lock, long start) {
        RunReport.replaceEarlier(dir);
        RunReport report = newReport(dir, phases);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicReference<Target> opened = new AtomicReference<>();
        Thread onInterrupt = new Thread(() -> {
            Target target = opened.get();
            if (!finished.get()) {
                interrupted(report, start, target != null);
            }
            if (target != null) {
                report.write();
                target.close();
            }
            report.write();
            lock.close();
        }, "ha-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            Target target;
            try {
                target = Targets.open(options);
            } catch (UsageException e) {
                throw e;
            } catch (RuntimeException e) {
                report.couldNotStart("could not use the cluster: " + e.getMessage());
                Log.info("reports: %s", report.dir().resolve("summary.txt"));
                throw e;
            }
            opened.set(target);
            report.target(target.describe());
            report.write();
            try {
                List<PhaseResult> results = runPhases(target, phases, report);
                printSummary(results, Duration.ofNanos(System.nanoTime() - start));
                Log.info("reports: %s", report.dir().resolve("summary.txt"));
                return results.stream().anyMatch(PhaseResult::failed) ? Cli.FAILED : Cli.PASSED;
            } finally {
                finished.set(true);
                target.close();
                report.write();
            }
        } finally {
            finished.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    /** The phase running now ("[3/11] quorum" and when it started), null between phases. */
    private record Running(String name, String head, long startNanos) {
    }

    private volatile Running running;

    /** Ctrl-C or a signal: says what was interrupted, and records it (the running phase as interrupted). */
    private void interrupted(RunReport report, long runStart, boolean targetOpen) {
        Running now = running;
        Duration run = Duration.ofNanos(System.nanoTime() - runStart);
        if (!targetOpen) {
            Log.error("interrupted: the suite was stopped (Ctrl-C or a signal) after %s, while it was %s; no phase ran",
                    Log.seconds(run), options.target == CommonOptions.TargetKind.local ? "starting the servers" : "connecting to the cluster");
            report.abort("interrupted: the suite was stopped (Ctrl-C or a signal) before the first phase, while "
                    + (options.target == CommonOptions.TargetKind.local ? "starting the servers" : "connecting to the cluster"));
            return;
        }
        if (now == null) {
            Log.error("interrupted: the suite was stopped (Ctrl-C or a signal) after %s, between phases; stopping and writing the reports",
                    Log.seconds(run));
            report.abort("interrupted: the suite was stopped (Ctrl-C or a signal) between phases");
            return;
        }
        Duration phase = Duration.ofNanos(System.nanoTime() - now.startNanos());
        Log.error("interrupted: phase %s %s was running for %s (the run for %s); the later phases are skipped, "
                + "the servers stopped, the reports written", now.name(), now.head().substring(0, now.head().indexOf(']') + 1),
                Log.seconds(phase), Log.seconds(run));
        report.interrupted(now.name(), phase);
    }

    /** The run's report in {@code dir} (an earlier run's files moved aside), listing {@code phases}; nothing written yet. */
    private RunReport newReport(Path dir, List<Phase> phases) {
        return new RunReport(RunReport.prepare(dir), runId(), phases.stream().map(Phase::name).toList());
    }

    /** Runs the phases against an open target, writing reports into the report dir. */
    public List<PhaseResult> run(Target target, List<Phase> phases) {
        RunReport report = newReport(options.reports.reportDir(), phases);
        report.target(target.describe());
        report.write();
        return runPhases(target, phases, report);
    }

    /** Every phase in turn (after a failure with --fail-fast, the rest skipped), into one history and one report. */
    private List<PhaseResult> runPhases(Target target, List<Phase> phases, RunReport report) {
        try (History history = new History(report.dir().resolve(RunReport.HISTORY))) {
            PhaseContext.Run run = new PhaseContext.Run(target, new ClusterOps(target), new Rows(target, options.database, history),
                    report.runId(), options.timeout, options.writeVia, options.maxUnavailable, new RunState());
            Log.info("ArcadeDB HA suite, run %s: %d phase%s against %s", report.runId(), phases.size(), phases.size() == 1 ? "" : "s",
                    target.describe());
            List<PhaseResult> results = new ArrayList<>();
            boolean stop = false;
            boolean collected = false;
            for (int i = 0; i < phases.size(); i++) {
                Phase phase = phases.get(i);
                String head = "[" + (i + 1) + "/" + phases.size() + "] " + phase.name();
                PhaseResult result;
                if (stop) {
                    result = new PhaseResult(phase.name(), PhaseResult.Status.skipped, Duration.ZERO, "not run: an earlier phase failed (--fail-fast)", Map.of());
                    Log.info("%s skipped: an earlier phase failed", head);
                } else {
                    result = runOne(phase, head, new PhaseContext(run, phase.name()), target, history);
                    stop = result.failed() && failFast;
                }
                results.add(result);
                if (result.failed() && !collected && options.reports.collect != ReportOptions.Collect.never) {
                    collectDiagnostics(target, report);   // at the first failure, before later phases change what is there
                    collected = true;
                }
                report.add(result);
            }
            if (!collected && options.reports.collect == ReportOptions.Collect.always) {
                collectDiagnostics(target, report);
            }
            return results;
        }
    }

    /** One phase: its header, its run (too small a cluster skips it), its result line, its start and end in the history. */
    private PhaseResult runOne(Phase phase, String head, PhaseContext ctx, Target target, History history) {
        long t0 = System.nanoTime();
        running = new Running(phase.name(), head, t0);
        Log.info("%s: %s", head, phase.summary());
        history.event(phase.name(), "phase-start", null, null);
        PhaseResult.Status status;
        String message;
        try {
            skipIfTooSmall(phase, target);
            phase.run(ctx);
            status = PhaseResult.Status.passed;
            message = "";
        } catch (PhaseSkipped e) {
            status = PhaseResult.Status.skipped;
            message = e.getMessage();
        } catch (PhaseFailure | SuiteException e) {
            status = PhaseResult.Status.failed;
            message = e.getMessage();
        } catch (Exception e) {
            status = PhaseResult.Status.failed;
            message = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        running = null;
        history.event(phase.name(), "phase-end", null, status.name());
        message = Redactor.redact(message);
        switch (status) {
            case passed -> Log.info("%s passed (%s)", head, Log.seconds(took));
            case skipped -> Log.info("%s skipped (%s): %s", head, Log.seconds(took), message);
            case failed -> Log.info("%s FAILED (%s): %s", head, Log.seconds(took), message);
            case interrupted -> Log.info("%s interrupted (%s)", head, Log.seconds(took));
        }
        return new PhaseResult(phase.name(), status, took, message, Map.copyOf(ctx.figures()));
    }

    private static void collectDiagnostics(Target target, RunReport report) {
        Diagnostics.collect(target, report.dir().resolve("diagnostics"));
        report.diagnosticsCollected();
    }

    private static void skipIfTooSmall(Phase phase, Target target) {
        int nodes = target.nodes().size();
        if (nodes < phase.minimumNodes()) {
            throw new PhaseSkipped("needs at least " + phase.minimumNodes() + " nodes"
                    + (phase.minimumNodes() >= 3 ? " to keep a Raft majority while one is down" : " (a leader and a follower)")
                    + "; the cluster has " + nodes);
        }
    }

    private static void printSummary(List<PhaseResult> results, Duration total) {
        long passed = results.stream().filter(r -> r.status() == PhaseResult.Status.passed).count();
        long failed = results.stream().filter(PhaseResult::failed).count();
        long skipped = results.size() - passed - failed;
        Log.info("");
        Log.info("Summary (%s):", Log.seconds(total));
        for (PhaseResult r : results) {
            Log.info("  %-18s %-11s %8s  %s", r.name(), r.status(), Log.seconds(r.duration()), r.message());
        }
        Log.info("%d passed, %d failed, %d skipped", passed, failed, skipped);
    }

    private String runId() {
        return options.reports.runId();
    }
}
