package dev.kordon;

/** Every event-bus address Kordon uses, defined once. The bus is local to one instance. */
public final class Addresses {
  /** Argon2id work: {@code {op:"verify", hash, password}} or {@code {op:"hash", password}}. */
  public static final String CREDENTIALS = "kordon.credentials";

  private Addresses() {}
}
