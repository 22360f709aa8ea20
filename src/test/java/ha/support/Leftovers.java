package ha.support;

import java.nio.file.Path;
import java.util.List;

/** Processes still running on this machine whose command line names a given work dir. */
public final class Leftovers {
    private Leftovers() {
    }

    public static List<String> processesUsing(Path workDir) {
        String needle = workDir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
    }
}
