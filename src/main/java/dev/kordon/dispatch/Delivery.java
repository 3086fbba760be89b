package dev.kordon.dispatch;

import dev.kordon.bus.Addresses;
import dev.kordon.bus.LocalMessage;
import io.vertx.core.json.JsonObject;

/**
 * One message the outbox hands to the mail, SMS or back-channel verticle. The texts carry temporary
 * passwords and codes, so {@code toString} names the message by its outbox id only.
 */
public sealed interface Delivery extends LocalMessage permits Delivery.Mail, Delivery.Sms, Delivery.Logout {
    String MAIL = "mail";
    String SMS = "sms";
    /** An OpenID Back-Channel Logout: the payload's {@code kind} when {@code dev.kordon.client.Backchannel} enqueues one. */
    String LOGOUT = "logout";

    /** The outbox stream entry. */
    String id();

    /** {@code mail}, {@code sms} or {@code logout}: the label of the delivery metrics and of dead letters. */
    String kind();

    /** A stream entry's kind field as a label: only read, never trusted, so anything else counts as mail. */
    static String kindOf(String field) {
        return SMS.equals(field) || LOGOUT.equals(field) ? field : MAIL;
    }

    String address();

    /** An opened outbox payload ({@code {kind:"mail"|"sms", ...}} as {@link Letters} wrote it). */
    static Delivery of(String id, JsonObject payload) {
        if (LOGOUT.equals(payload.getString("kind"))) {
            return new Logout(
                    id,
                    payload.getString("to"),
                    payload.getString("client_id"),
                    payload.getString("sub"),
                    payload.getString("sid"),
                    payload.getString("jti"));
        }
        return SMS.equals(payload.getString("kind"))
                ? new Sms(id, payload.getString("to"), payload.getString("text"))
                : new Mail(
                        id,
                        payload.getString("to"),
                        payload.getString("subject"),
                        payload.getString("text"),
                        payload.getString("html"));
    }

    record Mail(String id, String to, String subject, String text, String html) implements Delivery {
        @Override
        public String kind() {
            return MAIL;
        }

        @Override
        public String address() {
            return Addresses.MAIL;
        }

        @Override
        public String toString() {
            return "Mail[id=" + id + ", content withheld]";
        }
    }

    record Sms(String id, String to, String text) implements Delivery {
        @Override
        public String kind() {
            return SMS;
        }

        @Override
        public String address() {
            return Addresses.SMS;
        }

        @Override
        public String toString() {
            return "Sms[id=" + id + ", content withheld]";
        }
    }

    /**
     * A logout token to POST to a client's {@code backchannel_logout_uri} ({@code to}): signed when
     * sent, so one that waited out an outage still carries a fresh {@code iat} and {@code exp}.
     * {@code sid} is null when a whole account's sign-ins ended; {@code jti} stays the same on every
     * attempt, so the client can tell a repeat.
     */
    record Logout(String id, String to, String clientId, String sub, String sid, String jti) implements Delivery {
        @Override
        public String kind() {
            return LOGOUT;
        }

        @Override
        public String address() {
            return Addresses.LOGOUT;
        }
    }
}
