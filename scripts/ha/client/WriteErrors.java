package ha.client;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Locale;

/**
 * What an error answer to a write says about the write (reference arcadedb-ha-api.md §1.2 and §6.4). A write was
 * certainly not applied only when:
 * <ul>
 *   <li>nothing was sent: the connection was refused or could not be established
 *       ({@link ArcadeClient.NodeUnreachableException} caused by a {@link ConnectException} or an
 *       {@link HttpConnectTimeoutException}, or without any cause: the route to the node could not
 *       be opened before the request, e.g. the pod does not exist);</li>
 *   <li>HTTP 400: {@code ServerIsNotTheLeaderException}, a parse error, a bad argument, "Query is not idempotent";</li>
 *   <li>HTTP 401 and 403 (including {@link ArcadeClient.CredentialsRejectedException}): not authorized, not executed;</li>
 *   <li>HTTP 404 (database, record or session unknown);</li>
 *   <li>HTTP 409 "Found duplicate key in index" (a unique index refused the row).</li>
 * </ul>
 * Anything else may or may not have been applied: timeouts of a sent request, a connection reset or closed after
 * sending, every 5xx (503 {@code QuorumNotReachedException} may still commit; 500 "Error on transaction commit" is also
 * what a follower answers when its forward to the leader fails midway), 409 "Transaction committed cluster-wide …"
 * (applied, but the answer is an error), any other status, and unknown exceptions.
 */
public final class WriteErrors {
    private WriteErrors() {
    }

    /** True when {@code error} says the write was not applied (the rules in the class comment). */
    public static boolean notApplied(Throwable error) {
        if (error instanceof ArcadeClient.CredentialsRejectedException) {
            return true;
        }
        if (error instanceof ArcadeHttpException http) {
            return switch (http.status()) {
                case 400, 401, 403, 404 -> true;
                case 409 -> mentionsDuplicateKey(http.error()) || mentionsDuplicateKey(http.exception());
                default -> false;
            };
        }
        if (error instanceof ArcadeClient.NodeUnreachableException unreachable) {
            return nothingSent(unreachable);
        }
        return false;
    }

    private static boolean mentionsDuplicateKey(String text) {
        return text != null && text.toLowerCase(Locale.ROOT).contains("duplicate");
    }

    private static boolean nothingSent(ArcadeClient.NodeUnreachableException e) {
        if (e.getCause() == null) {
            return true;   // thrown before a request existed: the route to the node could not be opened
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
