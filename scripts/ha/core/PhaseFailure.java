package ha.core;

/**
 * A scenario did not hold: the message says what was expected and what was seen. The phase fails,
 * the run exits 1.
 */
public class PhaseFailure extends RuntimeException {
    public PhaseFailure(String message) {
        super(message);
    }

    /** Fails with "expected …, saw …" unless the condition holds. */
    public static void check(boolean condition, String expected, Object seen) {
        if (!condition) {
            throw new PhaseFailure("expected " + expected + ", saw " + seen);
        }
    }
}
