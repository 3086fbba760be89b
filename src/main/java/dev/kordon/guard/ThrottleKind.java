package dev.kordon.guard;

import java.util.Locale;

/**
 * The limit that refused a request with 429: the {@code kind} label of
 * {@code kordon_throttle_hits_total}. A locked password path is none of them: it answers like a
 * wrong password, and is counted as the security event {@code login.locked}.
 */
public enum ThrottleKind {
    /** Sign-in attempts (password or SMS code) from one IP: {@code login.per-ip}. */
    IP,
    /** Password failures of one login from one IP: {@code login.per-account-ip}. */
    ACCOUNT_IP,
    /** The growing wait after {@code login.delay-after} failures. */
    PASSWORD_DELAY,
    /** Earlier attempts of the login still in flight after {@link Throttles#BUSY_WAIT}. */
    PASSWORD_BUSY,
    /** SMS codes and recoveries asked from one IP: {@code sending.per-ip-hour}. */
    SEND_IP,
    /** A new code for the number before {@code sms-code.resend-after}. */
    SMS_RESEND,
    /** Codes for the number this hour: {@code sms-code.per-hour}. */
    SMS_HOUR,
    /** Codes for the number today: {@code sms-code.per-day}. */
    SMS_DAY,
    /** Every SMS of all instances this minute: {@code sending.sms-per-minute}. */
    SMS_BUDGET,
    /** Temporary passwords for the number this hour: {@code recovery.per-hour}. */
    RECOVERY_HOUR,
    /** ... and today: {@code recovery.per-day}. */
    RECOVERY_DAY,
    /** Wrong admin tokens typed into the operator console from one client: {@code admin.console-failures}. */
    CONSOLE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
