package io.github.hixie76.protocol;

/**
 * A peer broke a rule of draft-hixie-thewebsocketprotocol-76: a malformed opening handshake
 * (§5.2) or a frame the configured limits refuse (§5.3). The message is one line, fit to
 * send back as an HTTP reason or to log; it never carries a stack of causes.
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
