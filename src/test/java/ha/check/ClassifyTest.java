package ha.check;

import ha.check.History.Outcome;
import ha.client.ArcadeClient;
import ha.client.ArcadeHttpException;
import ha.core.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One test per rule of WriteErrors.notApplied: FAILED only when the answer says the write was not applied. */
class ClassifyTest {
    private static Outcome outcome(Throwable error) {
        return ha.client.WriteErrors.notApplied(error) ? Outcome.FAILED : Outcome.INDETERMINATE;
    }

    private static ArcadeHttpException answered(int status, String error, String exception) {
        return new ArcadeHttpException("arcadedb-0: POST /api/v1/command/ha", status, error, exception);
    }

    private static ArcadeClient.NodeUnreachableException unreachable(Throwable cause) {
        return new ArcadeClient.NodeUnreachableException("arcadedb-0: POST /api/v1/command/ha failed", cause);
    }

    @Test
    void notTheLeaderAndParseErrorsAre400AndFailed() {
        assertEquals(Outcome.FAILED, outcome(answered(400, "Cannot execute command",
                "com.arcadedb.network.binary.ServerIsNotTheLeaderException")));
        assertEquals(Outcome.FAILED, outcome(answered(400, "Cannot execute command",
                "com.arcadedb.query.sql.parser.ParseException")));
    }

    @Test
    void unauthorizedAndForbiddenAreFailed() {
        assertEquals(Outcome.FAILED, outcome(answered(401, "Invalid cluster token", null)));
        assertEquals(Outcome.FAILED, outcome(answered(403, "Security error",
                "com.arcadedb.server.security.ServerSecurityException")));
        assertEquals(Outcome.FAILED, outcome(new ArcadeClient.CredentialsRejectedException("rejected")));
    }

    @Test
    void notFoundIsFailed() {
        assertEquals(Outcome.FAILED, outcome(answered(404, "Record not found", null)));
    }

    @Test
    void aDuplicateKeyIsFailedButACommittedCluster409IsIndeterminate() {
        assertEquals(Outcome.FAILED, outcome(answered(409, "Found duplicate key in index",
                "com.arcadedb.exception.DuplicatedKeyException")));
        assertEquals(Outcome.INDETERMINATE, outcome(answered(409,
                "Transaction committed cluster-wide but local apply failed, do not retry", null)));
    }

    @Test
    void quorumNotReachedAndEveryOther5xxAreIndeterminate() {
        assertEquals(Outcome.INDETERMINATE, outcome(answered(503, "Cannot execute command",
                "com.arcadedb.network.binary.QuorumNotReachedException")));
        assertEquals(Outcome.INDETERMINATE, outcome(answered(500, "Error on transaction commit",
                "com.arcadedb.exception.TransactionException")));
        assertEquals(Outcome.INDETERMINATE, outcome(answered(500, "Internal error", null)));
        assertEquals(Outcome.INDETERMINATE, outcome(answered(503, "Server is installing a snapshot, please retry", null)));
        assertEquals(Outcome.INDETERMINATE, outcome(answered(429, null, null)));
        assertEquals(Outcome.INDETERMINATE, outcome(answered(413, "Result set too large", null)));
    }

    @Test
    void aRefusedOrNeverEstablishedConnectionIsFailed() {
        assertEquals(Outcome.FAILED, outcome(unreachable(new ConnectException())));
        IOException wrapped = new IOException("wrapped", new ConnectException("Connection refused"));
        assertEquals(Outcome.FAILED, outcome(unreachable(wrapped)));
        assertEquals(Outcome.FAILED, outcome(unreachable(new HttpConnectTimeoutException("HTTP connect timed out"))));
        assertEquals(Outcome.FAILED, outcome(unreachable(null)), "no cause: the route could not be opened, nothing was sent");
    }

    @Test
    void aTimeoutOrResetAfterSendingIsIndeterminate() {
        assertEquals(Outcome.INDETERMINATE, outcome(unreachable(new HttpTimeoutException("request timed out"))));
        assertEquals(Outcome.INDETERMINATE, outcome(unreachable(new IOException("Connection reset"))));
        assertEquals(Outcome.INDETERMINATE, outcome(unreachable(new IOException("HTTP/1.1 header parser received no bytes"))));
    }

    @Test
    void unknownErrorsAreIndeterminate() {
        assertEquals(Outcome.INDETERMINATE, outcome(new IllegalStateException("boom")));
        assertEquals(Outcome.INDETERMINATE, outcome(null));
    }

    private static Endpoint endpoint(int port) {
        return new Endpoint() {
            @Override
            public String name() {
                return "arcadedb-0";
            }

            @Override
            public URI baseUri() {
                return URI.create("http://127.0.0.1:" + port);
            }
        };
    }

    @Test
    void theClientsOwnExceptionForARefusedConnectionIsFailed() throws IOException {
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));   // bound, not listening: connects are refused
            ArcadeClient client = new ArcadeClient(endpoint(bound.getLocalPort()), "root", "classify-test-pw");
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> client.command("ha", "INSERT INTO HaRow SET marker = 'x'", Map.of()));
            assertEquals(Outcome.FAILED, outcome(e), e.toString());
        }
    }

    @Test
    void theClientsOwnExceptionForAConnectionClosedAfterTheRequestIsIndeterminate() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    in.read(new byte[64]);   // the request has arrived; close without an answer
                } catch (IOException ignored) {
                    // the test only needs the close
                }
            });
            closer.start();
            ArcadeClient client = new ArcadeClient(endpoint(server.getLocalPort()), "root", "classify-test-pw");
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> client.command("ha", "INSERT INTO HaRow SET marker = 'x'", Map.of()));
            assertEquals(Outcome.INDETERMINATE, outcome(e), e.toString());
            closer.join(10_000);
        }
    }
}
