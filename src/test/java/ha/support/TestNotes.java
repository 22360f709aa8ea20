package ha.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Lines a test wants the person reading the test command's output to see (Surefire sends test output to files):
 * appended to target/test-notes.txt, which ci/test.sh prints after Maven. Also printed to the test's own output.
 */
public final class TestNotes {
    static final Path FILE = Jbang.ROOT.resolve("target").resolve("test-notes.txt");

    private TestNotes() {
    }

    public static synchronized void add(String test, String text) {
        String block = "[" + test + "] " + text.strip() + System.lineSeparator();
        System.out.print(block);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, block, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("(could not append to " + FILE + ": " + e.getMessage() + ")");
        }
    }
}
