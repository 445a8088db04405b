package io.github.hixie76.server;

import io.github.hixie76.api.Endpoint;
import io.github.hixie76.engine.EndpointContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Supplier;

/**
 * What serves a hixie-76 handshake that passed {@link HandshakeCheck}, asked before the 101 is
 * written: a new instance of the application's endpoint (always), or for a relay the endpoint
 * that bridges the client to the backend it has just opened, or a refusal when it could not.
 * Implementations are thread-safe.
 */
interface EndpointOpener {

    /** The endpoint and the subprotocol agreed (null: none), or a refusal (endpoint null). */
    record Result(Endpoint endpoint, String subprotocol, Refusal refusal) {
        static Result refused(Refusal refusal) {
            return new Result(null, null, refusal);
        }
    }

    /** {@code subprotocol}: what the client asked for (null: nothing), which the check allowed. */
    Result open(HttpServletRequest request, String subprotocol, EndpointContext shared);

    /** The application is stopping; the sessions are closed already. */
    default void close() {
    }

    /** One new instance from {@code endpoints} per connection, with the subprotocol the client asked for. */
    static EndpointOpener of(Supplier<? extends Endpoint> endpoints) {
        return (request, subprotocol, shared) -> new Result(endpoints.get(), subprotocol, null);
    }
}
