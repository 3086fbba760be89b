package dev.kordon.support;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads what an SMTP server (GreenMail) received, decoded. */
public final class Mailbox {
    /** The temporary password in a recovery mail's text (group 1), as the letters' bundle writes it. */
    public static final Pattern TEMP_PASSWORD = Pattern.compile("Временный пароль: (\\S+)");

    private Mailbox() {}

    public record Mail(String from, String to, String subject, String text, String html) {}

    public static List<Mail> to(GreenMail smtp, String recipient) {
        List<Mail> out = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            try {
                for (Address a : m.getAllRecipients()) {
                    if (a.toString().equals(recipient)) {
                        out.add(new Mail(
                                m.getFrom()[0].toString(),
                                recipient,
                                m.getSubject(),
                                part(m.getContent(), "text/plain"),
                                part(m.getContent(), "text/html")));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Waits up to {@code ms} for {@code count} mails to the recipient. */
    public static List<Mail> await(GreenMail smtp, String recipient, int count, long ms) {
        return Await.until(java.time.Duration.ofMillis(ms), () -> to(smtp, recipient), mails -> mails.size() >= count);
    }

    private static String part(Object content, String type) throws Exception {
        return dev.kordon.dev.DevStack.part(content, type);
    }
}
