package io.github.hixie76.relay;

/**
 * What {@link Relay#open} made of one client's handshake: the backend accepted it
 * ({@link Opened}), or it did not and the client is to be refused ({@link Refused}). Immutable.
 */
public sealed interface Opening permits Opening.Opened, Opening.Refused {

    /** The backend accepted: the endpoint that bridges the two, and the subprotocol it agreed (null: none). */
    record Opened(RelayEndpoint endpoint, String subprotocol) implements Opening {
    }

    /**
     * The backend refused or could not be reached: the HTTP status for the client (502, 504),
     * the kind counted in the metrics, and a one-line reason.
     */
    record Refused(int status, String kind, String reason) implements Opening {
    }
}
