package ha.support.real;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Tests that start real ArcadeDB servers take this machine-wide lock (a POSIX file lock in the temporary folder, so it
 * holds across the test JVMs Maven forks and across checkouts): on two cores, two real clusters at once slow each other's elections and restarts until the
 * verdicts measure the machine, not the suite. Maven runs the real-server classes one after the other in one test JVM
 * (ha.driver.RealServerSuiteTest), so the other JVM runs the simulator tests meanwhile instead of waiting here.
 * Taking the lock is what marks a test as a real-server test: when one is skipped (a failed assumption, or disabled), its
 * name and reason go to {@link RealServerSkips}, which ci/test.sh checks.
 */
public final class OneRealClusterAtATime implements BeforeEachCallback, AfterEachCallback, TestWatcher {
    /** One lock for the whole machine, whichever checkout the tests run from (ha.realServersLock overrides it). */
    private static final Path LOCK = Path.of(System.getProperty("ha.realServersLock",
            Path.of(System.getProperty("java.io.tmpdir"), "arcadedb-ha-real-servers.lock").toString()));
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(OneRealClusterAtATime.class);

    private final Path skips;

    private record Held(FileChannel channel, FileLock lock) {
    }

    public OneRealClusterAtATime() {
        this(RealServerSkips.FILE);
    }

    /** With skipped tests recorded in {@code skips} instead of target/real-server-skips.txt (for tests of this class). */
    public OneRealClusterAtATime(Path skips) {
        this.skips = skips;
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

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        RealServerSkips.record(skips, testName(context), cause == null ? null : cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        RealServerSkips.record(skips, testName(context), "disabled: " + reason.orElse("no reason given"));
    }

    /** Class and method, and the invocation's display name where it says more (a parameterized test's arguments). */
    static String testName(ExtensionContext context) {
        String method = context.getTestMethod().map(java.lang.reflect.Method::getName).orElse("");
        String name = context.getTestClass().map(Class::getSimpleName).orElse("?") + (method.isEmpty() ? "" : "." + method);
        String display = context.getDisplayName();
        return display.startsWith(method + "(") || display.equals(method) ? name : name + " (" + display + ")";
    }
}
