package ha.client;

import ha.core.Redactor;

/**
 * ArcadeDB answered with an error status. Carries the status and ArcadeDB's error text (its
 * {@code error} and {@code exception} fields), never the request's credentials.
 */
public class ArcadeHttpException extends RuntimeException {
    private final int status;
    private final String error;
    private final String exception;

    public ArcadeHttpException(String request, int status, String error, String exception) {
        super(Redactor.redact(request + " answered " + status
                + (error == null || error.isBlank() ? "" : " " + error)
                + (exception == null || exception.isBlank() ? "" : " (" + exception + ")")));
        this.status = status;
        this.error = error;
        this.exception = exception;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** ArcadeDB's exception class name, e.g. com.arcadedb.network.binary.QuorumNotReachedException, or null. */
    public String exception() {
        return exception;
    }

    /** A 5xx or a NeedRetry-family answer: worth trying again. */
    public boolean retryable() {
        return status >= 500 || status == 429;
    }
}
