package ha.support.standin.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An HTTP error answer in ArcadeDB's envelope: {"error", "exception", "detail"}. */
final class ApiError extends RuntimeException {
    final int status;
    final String error;
    final String exception;

    ApiError(int status, String error, String exception, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
        this.exception = exception;
    }

    /** A handler-built body that carries only {"error": ...}, as the cluster handlers answer. */
    static ApiError plain(int status, String error) {
        return new ApiError(status, error, null, null);
    }

    ObjectNode body() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("error", error);
        if (exception != null) {
            body.put("exception", exception);
        }
        if (getMessage() != null) {
            body.put("detail", getMessage());
        }
        return body;
    }
}
