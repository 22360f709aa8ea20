package ha.core;

/** The command line asks for something that cannot be (unknown phase, unknown context): exit code 2. */
public class UsageException extends SuiteException {
    public UsageException(String message) {
        super(message);
    }
}
