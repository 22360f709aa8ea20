package ha.target.local;

import ha.core.Redactor;
import ha.core.RunLock;
import ha.core.SuiteException;
import ha.core.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * The local run's work dir before any server starts: who owns it ({@link RunLock}), and the root password the
 * servers get, chosen or random, kept in a file only its owner can read.
 */
public final class LocalWorkDir {
    /** The environment variable that chooses the root password; without it the password is random. */
    public static final String PASSWORD_OVERRIDE_ENV = "HA_ROOT_PASSWORD";
    /** The file in the work dir that keeps the root password (mode 0600), so a kept work dir can be logged into. */
    public static final String PASSWORD_FILE = "root-password";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private LocalWorkDir() {
    }

    /**
     * Claims the work dir for this run. A work dir that holds the server folders of an earlier run is refused with
     * what to do: their data and logs belong to other servers (other ports, another Raft group).
     */
    static RunLock claim(Path workDir, String runId) {
        RunLock lock = RunLock.take(workDir, "--work-dir", runId);
        List<String> left;
        try (var entries = Files.list(workDir)) {
            left = entries.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("arcadedb-"))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            lock.close();
            throw new UsageException("--work-dir " + workDir + ": cannot list it (" + e.getMessage() + ")");
        }
        if (!left.isEmpty()) {
            String earlier = lock.earlier();
            lock.close();
            throw new UsageException("--work-dir " + workDir + " holds the server folders of an earlier run ("
                    + (earlier == null ? left.get(0) + (left.size() > 1 ? " and " + (left.size() - 1) + " more" : "") + "; it ended"
                    : earlier + ", no longer running") + "); remove it (rm -rf " + workDir + ") or give this run another --work-dir or --run-id");
        }
        return lock;
    }

    static Path keepPassword(Path workDir, String password) {
        Path file = workDir.resolve(PASSWORD_FILE);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + System.lineSeparator(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException | UnsupportedOperationException e) {
            throw new SuiteException("cannot write the root password file " + file + ": " + e.getMessage());
        }
    }

    /** HA_ROOT_PASSWORD if set (checked against ArcadeDB's rules), else 24 random characters; registered for redaction. */
    static String password(Map<String, String> environment) {
        String given = environment.get(PASSWORD_OVERRIDE_ENV);
        if (given != null && !given.isEmpty()) {
            if (given.contains(":")) {
                throw new UsageException(PASSWORD_OVERRIDE_ENV + " contains ':', which the root password cannot hold (Basic auth "
                        + "splits user and password at the first ':'); choose one without ':'");
            }
            if (given.length() < 8 || given.length() > 256) {
                throw new UsageException(PASSWORD_OVERRIDE_ENV + " must be 8 to 256 characters without ':' (ArcadeDB's rule for the root "
                        + "password and Basic auth); saw " + given.length() + " characters");
            }
            Redactor.register(given);
            return given;
        }
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        Redactor.register(sb.toString());
        return sb.toString();
    }
}
