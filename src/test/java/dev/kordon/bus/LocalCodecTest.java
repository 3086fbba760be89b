package dev.kordon.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.support.Rig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class LocalCodecTest {
    record Ping(String text) implements LocalMessage {}

    record Pong(int length) implements LocalMessage {}

    @Test
    void aTypedMessageAndItsReplyCrossTheBusAsTheObjectsThemselves() {
        Vertx vertx = Vertx.vertx();
        try {
            LocalCodec.register(vertx.eventBus());
            Ping sent = new Ping("hello");
            Object[] received = new Object[1];
            vertx.eventBus().<Ping>consumer("test.ping", m -> {
                received[0] = m.body();
                m.reply(new Pong(m.body().text().length()));
            });
            Pong reply =
                    Rig.await(vertx.eventBus().<Pong>request("test.ping", sent)).body();
            assertThat(received[0]).isSameAs(sent);
            assertThat(reply).isEqualTo(new Pong(5));
            // Everything else keeps Vert.x's own codecs.
            vertx.eventBus().<String>consumer("test.echo", m -> m.reply(m.body()));
            assertThat(Rig.await(vertx.eventBus().<String>request("test.echo", "plain"))
                            .body())
                    .isEqualTo("plain");
        } finally {
            Rig.await(vertx.close());
        }
    }

    @Test
    void itNeverWritesAMessageToAWire() {
        LocalCodec codec = new LocalCodec();
        assertThatThrownBy(() -> codec.encodeToWire(Buffer.buffer(), new Ping("x")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> codec.decodeFromWire(0, Buffer.buffer()))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
