package dev.kordon.load;

/**
 * What the next Gatling run is to do. Gatling instantiates {@link Step} itself, in this JVM, so the
 * harness hands it the plan through here.
 */
record Plan(
        Kind kind,
        String baseUrl,
        Pool pool,
        SmsStandIn sms,
        double rate,
        double rampSeconds,
        double holdSeconds,
        double spikeSeconds,
        double healthRate,
        int users,
        double seconds) {

    enum Kind {
        BURST,
        SIGN_IN,
        OPEN_SIGN_IN,
        SMS,
        SMS_PAIR,
        RECOVERY,
        REFRESH,
        VERIFY,
        HELLO,
        OIDC,
        MIX
    }

    static volatile Plan current;

    static Plan burst(
            String baseUrl, Pool pool, double capacity, double ramp, double hold, double spike, double health) {
        return new Plan(Kind.BURST, baseUrl, pool, null, capacity, ramp, hold, spike, health, 0, ramp + hold + spike);
    }

    static Plan closed(Kind kind, String baseUrl, Pool pool, SmsStandIn sms, int users, double seconds) {
        return new Plan(kind, baseUrl, pool, sms, 0, 0, 0, 0, 0, users, seconds);
    }

    /** The soak: the mix ramped up to {@code rate} over {@code ramp} seconds, then held; {@code seconds} in all. */
    static Plan soak(String baseUrl, Pool pool, SmsStandIn sms, double rate, double ramp, double seconds) {
        return new Plan(Kind.MIX, baseUrl, pool, sms, rate, ramp, 0, 0, 0, 0, seconds);
    }

    static Plan open(Kind kind, String baseUrl, Pool pool, SmsStandIn sms, double rate, double seconds) {
        return new Plan(kind, baseUrl, pool, sms, rate, 0, 0, 0, 0, 0, seconds);
    }
}
