package io.github.hixie76.testing;

import java.util.List;

/**
 * The test vectors of draft-hixie-thewebsocketprotocol-76: the one place tests take them from.
 * Vector 1 is the draft's own example (§1.3, §5.2); its part2 has a byte of 0x80 or more, which
 * catches an MD5 taken over a String.
 */
public final class Draft {

    /** One opening handshake: the two keys, their parts (key number / spaces), key3 and the 16-byte answer. */
    public record Vector(String key1, String key2, long part1, long part2, byte[] key3, byte[] response) {

        public byte[] key3() {
            return key3.clone();
        }

        public byte[] response() {
            return response.clone();
        }
    }

    /** The draft's example: 4146546015 / 5 and 1299853100 / 5, key3 {@code ^n:ds[4U}. */
    public static final Vector EXAMPLE = new Vector("4 @1  46546xW%0l 1 5", "12998 5 Y3 1  .P00",
            829309203L, 259970620L, Bytes.latin1("^n:ds[4U"), Bytes.latin1("8jKS'y:G*Co,Wxa-"));

    /** Every vector: the example, then three more from other implementations' test suites. */
    public static final List<Vector> ALL = List.of(EXAMPLE,
            new Vector("18x 6]8vM;54 *(5:  {   U1]8  z [  8", "1_ tx7X d  <  nw  334J702) 7]o}` 0",
                    1868545188L / 12, 1733470270L / 10, Bytes.latin1("Tm[K T2u"), Bytes.latin1("fQJ,fN/4F4!~K~MH")),
            new Vector("3e6b263  4 17 80", "17  9 G`ZD9   2 2b 7X 3 /r90",
                    3626341780L / 4, 1799227390L / 10, Bytes.latin1("WjN}|M(6"), Bytes.latin1("n`9eBk9z$R8pOtVb")),
            new Vector("30  ;- 5=5 u 4 1  7336", ":2 8 G(  07A 93Ql 3 *20 Ox0G'w",
                    3055417336L / 8, 2807933200L / 8, Bytes.hex("5d9fb0670fe4fa75"),
                    Bytes.hex("b6bc2a9ea00c1cb90faddc97906017a8")));

    private Draft() {
    }
}
