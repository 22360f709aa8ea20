package ha.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Folder copies the tests make (a chart to break, a server's data folder to read on its own). */
public final class TestFiles {
    private TestFiles() {
    }

    /** Copies {@code from} into {@code to} (created), every folder and each file {@code copied} accepts. */
    public static void copyTree(Path from, Path to, Predicate<Path> copied) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (copied.test(p)) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
