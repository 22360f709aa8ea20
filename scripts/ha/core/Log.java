package ha.core;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Progress lines on stdout, problems on stderr; every line is redacted before it is printed. */
public final class Log {
    private static volatile PrintStream out = System.out;
    private static volatile PrintStream err = System.err;
    private static volatile boolean verbose;

    private Log() {
    }

    public static void setVerbose(boolean on) {
        verbose = on;
    }

    public static void redirect(PrintStream stdout, PrintStream stderr) {
        out = stdout;
        err = stderr;
    }

    public static void info(String format, Object... args) {
        out.println(Redactor.redact(args.length == 0 ? format : String.format(Locale.ROOT, format, args)));
        out.flush();
    }

    public static void step(String format, Object... args) {
        info("  - " + format, args);
    }

    public static void debug(String format, Object... args) {
        if (verbose) {
            info("    . " + format, args);
        }
    }

    public static void warn(String format, Object... args) {
        info("  ! " + format, args);
    }

    public static void error(String format, Object... args) {
        err.println(Redactor.redact(args.length == 0 ? format : String.format(Locale.ROOT, format, args)));
        err.flush();
    }

    /** "1.2 s", "2 min 05 s": how the suite prints every duration. */
    public static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %02d s", ms / 60_000, (ms / 1000) % 60);
    }
}
