package ha.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;
import org.zeroturnaround.exec.StartedProcess;

/**
 * Runs external tools (helm, kind, server JVMs) through zt-exec. zt-exec only signals the direct
 * child on timeout; here a timeout, an interrupt or the JVM's shutdown (Ctrl-C) kills the whole
 * process tree, so no helm, kind or server process outlives the suite.
 */
public final class Procs {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    /** Set once the JVM shuts down (Ctrl-C): a long-running process {@link #track}ed after that is killed at once. */
    private static boolean shuttingDown;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Procs::killAllAtShutdown, "ha-kill-children"));
    }

    private Procs() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The last non-blank stderr line, or stdout's: the one line worth quoting in an error. */
        public String lastLine() {
            for (String text : List.of(stderr, stdout)) {
                String[] lines = text.strip().split("\n");
                if (!lines[lines.length - 1].isBlank()) {
                    return lines[lines.length - 1].strip();
                }
            }
            return "(no output)";
        }
    }

    /** Runs a command to completion; a non-zero exit is returned, not thrown. */
    public static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, Map.of(), null);
    }

    public static Result run(List<String> command, Duration timeout, Map<String, String> env, Path workDir) {
        var err = new ByteArrayOutputStream();
        ProcessExecutor executor = new ProcessExecutor()
                .command(command)
                .environment(env)
                .readOutput(true)
                .redirectError(err);
        if (workDir != null) {
            executor.directory(workDir.toFile());
        }
        StartedProcess started;
        try {
            started = executor.start();
        } catch (IOException e) {
            throw new ToolMissingException(command.get(0), e);
        }
        Process process = started.getProcess();
        RUNNING.add(process);   // not track(): a shutdown hook may itself run a tool (nft) to completion
        try {
            ProcessResult result = started.getFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(result.getExitValue(), result.outputString(), err.toString(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            killTree(process);
            throw new SuiteException("'" + String.join(" ", redactArgs(command)) + "' did not finish within "
                    + Log.seconds(timeout) + " and was killed with its child processes");
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new SuiteException("interrupted while running " + command.get(0));
        } catch (ExecutionException e) {
            killTree(process);
            throw new SuiteException("could not run " + command.get(0) + ": " + e.getCause().getMessage());
        } finally {
            RUNNING.remove(process);
        }
    }

    /** Registers a long-running process (for example a server JVM) so that Ctrl-C kills it too. */
    public static void track(Process process) {
        boolean late;
        synchronized (RUNNING) {
            late = shuttingDown;
            if (!late) {
                RUNNING.add(process);
            }
        }
        if (late) {
            // the shutdown hook has already killed what was running: a start that was under way when Ctrl-C came
            // must not leave its process behind
            killTree(process);
            throw new SuiteException("the suite is stopping (Ctrl-C or a signal): the process just started was killed");
        }
        process.onExit().thenRun(() -> RUNNING.remove(process));
    }

    /** Kills a process and all its descendants, children first, forcibly. */
    public static void killTree(Process process) {
        killTree(process.toHandle());
    }

    public static void killTree(ProcessHandle handle) {
        List<ProcessHandle> all = new ArrayList<>(handle.descendants().toList());
        all.add(handle);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // best effort: a process that does not die within 5 s is reported by the caller's checks
            }
        }
    }

    public static void killAll() {
        Freezer.thawAll();   // a stopped process would not act on SIGTERM; none may stay stopped
        List<Process> all;
        synchronized (RUNNING) {
            all = List.copyOf(RUNNING);
            RUNNING.clear();
        }
        all.forEach(Procs::killTree);
    }

    /** The shutdown hook: from now on every process is killed as it starts, then the running ones are. */
    static void killAllAtShutdown() {
        synchronized (RUNNING) {
            shuttingDown = true;
        }
        killAll();
    }

    public static int runningCount() {
        return (int) RUNNING.stream().filter(Process::isAlive).count();
    }

    private static List<String> redactArgs(List<String> command) {
        return command.stream().map(Redactor::redact).toList();
    }

    /** A required executable is not installed. */
    public static final class ToolMissingException extends SuiteException {
        public ToolMissingException(String tool, IOException cause) {
            super(tool + " is not installed or not on PATH (" + cause.getMessage().replaceFirst("^Could not execute \\[.*?\\]\\.\\s*", "") + ")");
        }
    }
}
