package ha.target.local;

import ha.core.SuiteException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --arcadedb-version that Maven cannot resolve: one line, and nothing left behind, not even an empty cache folder. */
class MavenCentralInstallTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedResolutionLeavesNoFolderBehind() {
        Path tools = tmp.resolve(".tools");
        Path cache = tools.resolve("arcadedb");
        LocalOptions options = new LocalOptions();
        options.arcadedbVersion = "0.0.1-never-published";
        SuiteException e = assertThrows(SuiteException.class, () -> LocalInstall.resolve(options, Map.of(), cache));
        assertTrue(e.getMessage().startsWith("could not resolve com.arcadedb:arcadedb-server:0.0.1-never-published")
                || e.getMessage().startsWith("cannot resolve com.arcadedb:arcadedb-server:0.0.1-never-published"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(Files.exists(cache), "the resolution created " + cache + " and must remove it again");
        assertFalse(Files.exists(tools), "the resolution created " + tools + " and must remove it again");
        assertTrue(Files.isDirectory(tmp), "what existed before stays");
    }

    @Test
    void aCacheFolderThatExistedBeforeStays() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("arcadedb"));
        Files.writeString(cache.resolve("keep.txt"), "x");
        LocalOptions options = new LocalOptions();
        options.arcadedbVersion = "0.0.2-never-published";
        assertThrows(SuiteException.class, () -> LocalInstall.resolve(options, Map.of(), cache));
        assertEquals("x", Files.readString(cache.resolve("keep.txt")));
        assertFalse(Files.exists(cache.resolve("0.0.2-never-published")), "the version's folder is removed");
    }
}
