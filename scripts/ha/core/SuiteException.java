package ha.core;

/**
 * An error that ends a run with a one-line message and no stack trace: the environment is not as
 * needed (a tool missing, a cluster unreachable, a secret absent). Exit code 1.
 */
public class SuiteException extends RuntimeException {
    public SuiteException(String message) {
        super(message);
    }

    public SuiteException(String message, Throwable cause) {
        super(message, cause);
    }
}
