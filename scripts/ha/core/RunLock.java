package ha.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One run's claim on a folder (its report dir, its local work dir): an OS file lock on {@value #FILE} in it, which
 * holds "run &lt;id&gt; pid &lt;pid&gt;" while the run lasts and is emptied when it ends. A second run on the folder is
 * refused with one line naming the first; the OS drops the lock of a killed run, whose line stays behind and tells the
 * next run which run left the folder ({@link #earlier()}).
 *
 * @param dir     the claimed folder
 * @param lock    held on the lock file's channel, which {@link #close()} empties and closes
 * @param heldBefore the line the lock file held when this run took it (null when it was empty)
 */
public record RunLock(Path dir, FileLock lock, String heldBefore) implements AutoCloseable {
    /** The lock file in a claimed folder. */
    public static final String FILE = ".arcadedb-ha.lock";

    /**
     * Creates the folder if needed and claims it for run {@code runId}; a folder that is a file, or that another run
     * holds, is a usage error naming {@code option} (--report-dir, --work-dir).
     */
    public static RunLock take(Path dir, String option, String runId) {
        createFolder(dir, option);
        Path file = dir.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UsageException(option + " " + dir + ": cannot write in it (" + reason(e) + ")");
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null;
            }
            String holder = read(channel);
            if (lock == null) {
                channel.close();
                throw new UsageException(option + " " + dir + " is in use by " + describe(holder)
                        + "; wait for it to end, or give this run another " + option + " or --run-id");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("run " + runId + " pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new RunLock(dir, lock, holder.isBlank() ? null : holder.strip());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UsageException(option + " " + dir + ": cannot lock " + FILE + " in it (" + reason(e) + ")");
        }
    }

    /** "run x (pid 42)" from the lock file's line, or "another run" when it holds none. */
    static String describe(String line) {
        String[] parts = line == null ? new String[0] : line.strip().split("\\s+");
        if (parts.length == 4 && parts[0].equals("run") && parts[2].equals("pid")) {
            return "run " + parts[1] + " (pid " + parts[3] + ")";
        }
        return "another run";
    }

    /** The run id in the line an earlier run left (it did not end normally), or null. */
    public String earlierRunId() {
        String[] parts = heldBefore == null ? new String[0] : heldBefore.split("\\s+");
        return parts.length >= 2 && parts[0].equals("run") ? parts[1] : null;
    }

    /** "killed-run, pid 42": the earlier run that left its line (it was killed), or null when the folder was free. */
    public String earlier() {
        if (heldBefore == null) {
            return null;
        }
        String[] parts = heldBefore.split("\\s+");
        return parts.length == 4 ? parts[1] + ", pid " + parts[3] : heldBefore;
    }

    /** Empties the lock file and releases the lock (safe to call twice). */
    @Override
    public synchronized void close() {
        FileChannel channel = lock.channel();
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException ignored) {
            // the OS releases the lock with the channel anyway
        }
        closeQuietly(channel);
    }

    /** Deletes the lock file once the run is over and the folder is to go (a run refused before it wrote anything). */
    public void closeAndForget() {
        close();
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException ignored) {
            // it stays, empty
        }
    }

    /** Creates {@code dir}; a file in its place (or above it) is a one-line usage error saying which. */
    public static void createFolder(Path dir, String option) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new UsageException(option + " " + dir + (p.equals(dir) ? "" : ": " + p) + " is a file, not a folder");
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new UsageException(option + " " + dir + ": cannot create it (" + reason(e) + ")");
        }
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
