package ha.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/**
 * How every layer writes what a failed run keeps (reports, node logs, pod YAML, events): redacted, created with its
 * folders, and whole or not at all. A file that cannot be written is a warning, never the reason a run fails.
 */
public final class EvidenceFiles {
    private EvidenceFiles() {
    }

    /** Writes {@code content} (null is empty) with every known secret redacted, through a temporary file and a move. */
    public static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Redactor.redact(content == null ? "" : content), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Log.error("warning: could not write %s: %s", file, e.getMessage());
        }
    }

    /** The text {@code fetch} returns, or one line saying why there is none. */
    public static String answer(Callable<String> fetch) {
        try {
            return fetch.call();
        } catch (Exception e) {
            return "(not available: " + e.getClass().getSimpleName() + ": " + e.getMessage() + ")\n";
        }
    }
}
