package dev.kordon.bus;

/**
 * A typed event-bus body: passed between verticles of one instance as the object itself, through
 * {@link LocalCodec}. Implementations are immutable records; those that carry a secret say so in
 * their own {@code toString}, which never prints it.
 */
public interface LocalMessage {}
