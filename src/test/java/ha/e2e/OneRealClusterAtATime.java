package ha.e2e;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tests that start real ArcadeDB servers take this machine-wide lock (a POSIX file lock in the temporary folder, so it
 * holds across the test JVMs Maven forks and across checkouts): on two cores, two real clusters at once slow each other's elections and restarts until the
 * verdicts measure the machine, not the suite. The other fork keeps running the simulator tests meanwhile.
 */
public final class OneRealClusterAtATime implements BeforeEachCallback, AfterEachCallback {
    /** One lock for the whole machine, whichever checkout the tests run from (ha.realServersLock overrides it). */
    private static final Path LOCK = Path.of(System.getProperty("ha.realServersLock",
            Path.of(System.getProperty("java.io.tmpdir"), "arcadedb-ha-real-servers.lock").toString()));
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(OneRealClusterAtATime.class);

    private record Held(FileChannel channel, FileLock lock) {
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Files.createDirectories(LOCK.getParent());
        FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long t0 = System.nanoTime();
        FileLock lock = channel.lock();
        long waited = (System.nanoTime() - t0) / 1_000_000;
        if (waited > 1000) {
            System.out.printf("waited %.1f s for the other real-server test to finish%n", waited / 1000.0);
        }
        context.getStore(NS).put("held", new Held(channel, lock));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        Held held = context.getStore(NS).remove("held", Held.class);
        if (held != null) {
            held.lock().release();
            held.channel().close();
        }
    }
}
