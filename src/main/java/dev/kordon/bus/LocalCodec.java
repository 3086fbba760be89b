package dev.kordon.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The one codec of Kordon's own messages. The bus never leaves the instance, so a message is
 * handed over as it is (records are immutable: nothing to copy) and never written to a wire.
 */
public final class LocalCodec implements MessageCodec<LocalMessage, LocalMessage> {
    static final String NAME = "kordon-local";

    LocalCodec() {}

    /**
     * Registers the codec on a Vert.x instance's bus, once, before any verticle sends: every
     * {@link LocalMessage} goes through it without naming it at each send.
     */
    public static void register(EventBus bus) {
        bus.registerCodec(new LocalCodec());
        bus.codecSelector(body -> body instanceof LocalMessage ? NAME : null);
    }

    @Override
    public void encodeToWire(Buffer buffer, LocalMessage message) {
        throw new UnsupportedOperationException("Kordon's event bus is local; " + NAME + " never goes on a wire");
    }

    @Override
    public LocalMessage decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("Kordon's event bus is local; " + NAME + " never goes on a wire");
    }

    @Override
    public LocalMessage transform(LocalMessage message) {
        return message;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
