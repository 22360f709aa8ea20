package ha.support.real;

import ha.support.Jbang;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a real-server test that did not run says so: one line per skipped test, {@code <test>TAB<reason>}, appended to
 * target/real-server-skips.txt. ci/test.sh removes the file before Maven and ci/skipped-tests.sh reads it afterwards (under
 * CI=true a line there fails the build). {@link OneRealClusterAtATime} writes it for every test that uses it, so a test
 * gets this by taking the lock; nothing else needs to call it.
 */
public final class RealServerSkips {
    public static final Path FILE = Jbang.ROOT.resolve("target").resolve("real-server-skips.txt");

    private RealServerSkips() {
    }

    /** Appends one line for {@code test}; the reason is put on one line, without JUnit's "Assumption failed" prefix. */
    static synchronized void record(Path file, String test, String reason) {
        String line = test + "\t" + oneLine(reason) + "\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("(could not record the skipped real-server test in " + file + ": " + e.getMessage() + ")");
        }
    }

    static String oneLine(String reason) {
        String text = reason == null || reason.isBlank() ? "no reason given" : reason.strip().replaceAll("\\s+", " ");
        for (String prefix : new String[] {"Assumption failed:", "skipped:"}) {
            if (text.startsWith(prefix)) {
                text = text.substring(prefix.length()).strip();
            }
        }
        return text.isEmpty() ? "no reason given" : text;
    }
}
