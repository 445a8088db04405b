package io.github.hixie76.cluster;

/**
 * One broadcast as it travels through Redis: the publishing node's id (so that a node ignores
 * its own publications), that node's sequence number (its publications in the order it
 * made them) and the text. Encoded as {@code h1 <node> <sequence> <text>}, one space apart;
 * a node id has no space. Immutable.
 */
public record Envelope(String node, long sequence, String text) {

    private static final String VERSION = "h1";

    public Envelope {
        if (node.isEmpty() || node.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("a node id is non-empty and has no space: '" + node + "'");
        }
    }

    public String encode() {
        return VERSION + ' ' + node + ' ' + sequence + ' ' + text;
    }

    /** The envelope in {@code message}, or null when it is none (another publisher on the channel). */
    public static Envelope decode(String message) {
        int first = message.indexOf(' ');
        int second = first < 0 ? -1 : message.indexOf(' ', first + 1);
        int third = second < 0 ? -1 : message.indexOf(' ', second + 1);
        if (third < 0 || !message.substring(0, first).equals(VERSION) || second == first + 1) {
            return null;
        }
        try {
            return new Envelope(message.substring(first + 1, second), Long.parseLong(message.substring(second + 1, third)),
                    message.substring(third + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
