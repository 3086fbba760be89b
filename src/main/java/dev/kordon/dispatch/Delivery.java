package dev.kordon.dispatch;

import dev.kordon.bus.Addresses;
import dev.kordon.bus.LocalMessage;
import io.vertx.core.json.JsonObject;

/**
 * One message the outbox hands to the mail or the SMS verticle. The texts carry temporary
 * passwords and codes, so {@code toString} names the message by its outbox id only.
 */
sealed interface Delivery extends LocalMessage permits Delivery.Mail, Delivery.Sms {
    String MAIL = "mail";
    String SMS = "sms";

    /** The outbox stream entry. */
    String id();

    /** {@code mail} or {@code sms}: the label of the delivery metrics and of dead letters. */
    String kind();

    String address();

    /** An opened outbox payload ({@code {kind:"mail"|"sms", ...}} as {@link Letters} wrote it). */
    static Delivery of(String id, JsonObject payload) {
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
}
