package io.github.hixie76.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.hixie76.client.Hixie76Client.HandshakeTrace;
import io.github.hixie76.client.Hixie76Client.Options;
import java.time.Duration;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

/** The client's options: the builder, and the deprecated withers that now go through it. */
class OptionsTest {

    private static final HandshakeTrace TRACE = (part, bytes) -> { };
    private static final SocketFactory FACTORY = SocketFactory.getDefault();

    @Test
    void builderStartsFromTheDefaults() {
        assertEquals(new Options(null, null, Duration.ofSeconds(10), Duration.ofSeconds(10), false, 64 << 20, null, null),
                Options.builder().build());
        assertEquals(Options.defaults(), Options.builder().build());
    }

    @Test
    void builderSetsEveryField() {
        Options options = Options.builder()
                .origin("http://app.example")
                .subprotocol("chat")
                .connectTimeout(Duration.ofMillis(1))
                .readTimeout(Duration.ofMillis(2))
                .key3AsBody(true)
                .maxMessageSize(3)
                .socketFactory(FACTORY)
                .trace(TRACE)
                .build();
        assertEquals(new Options("http://app.example", "chat", Duration.ofMillis(1), Duration.ofMillis(2), true, 3,
                FACTORY, TRACE), options);
    }

    @Test
    void toBuilderKeepsEveryValueAndChangesOnlyWhatIsSet() {
        Options options = Options.builder().origin("null").key3AsBody(true).trace(TRACE).build();
        assertEquals(options, options.toBuilder().build());
        Options changed = options.toBuilder().readTimeout(Duration.ofSeconds(1)).build();
        assertNotEquals(options, changed);
        assertEquals(new Options("null", null, Duration.ofSeconds(10), Duration.ofSeconds(1), true, 64 << 20, null,
                TRACE), changed);
    }

    @Test
    @SuppressWarnings("deprecation")
    void deprecatedWithersGiveWhatTheBuilderGives() {
        Options base = Options.builder().subprotocol("base").build();
        assertEquals(base.toBuilder().origin("o").build(), base.origin("o"));
        assertEquals(base.toBuilder().subprotocol("s").build(), base.subprotocol("s"));
        assertEquals(base.toBuilder().connectTimeout(Duration.ofMillis(5)).build(),
                base.connectTimeout(Duration.ofMillis(5)));
        assertEquals(base.toBuilder().readTimeout(Duration.ofMillis(6)).build(), base.readTimeout(Duration.ofMillis(6)));
        assertEquals(base.toBuilder().key3AsBody(true).build(), base.key3AsBody(true));
        assertEquals(base.toBuilder().maxMessageSize(7).build(), base.maxMessageSize(7));
        assertEquals(base.toBuilder().socketFactory(FACTORY).build(), base.socketFactory(FACTORY));
        assertEquals(base.toBuilder().trace(TRACE).build(), base.trace(TRACE));
        assertEquals(Options.builder().origin("o").subprotocol("s").build(),
                Options.defaults().origin("o").subprotocol("s"));
    }
}
