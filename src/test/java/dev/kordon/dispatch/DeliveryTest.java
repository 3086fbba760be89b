package dev.kordon.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.bus.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class DeliveryTest {
    @Test
    void anOpenedPayloadBecomesTheMessageOfItsVerticleAndPrintsNoContent() {
        Delivery mail = Delivery.of(
                "1-0",
                new JsonObject()
                        .put("kind", "mail")
                        .put("to", "office@example.by")
                        .put("subject", "S")
                        .put("text", "Временный пароль: Ab3dEf7hJk")
                        .put("html", "<p>Ab3dEf7hJk</p>"));
        assertThat(mail)
                .isEqualTo(new Delivery.Mail(
                        "1-0", "office@example.by", "S", "Временный пароль: Ab3dEf7hJk", "<p>Ab3dEf7hJk</p>"));
        assertThat(mail.kind()).isEqualTo("mail");
        assertThat(mail.address()).isEqualTo(Addresses.MAIL);
        assertThat(mail.toString()).contains("1-0").doesNotContain("Ab3dEf7hJk").doesNotContain("office@");

        Delivery sms = Delivery.of(
                "2-0",
                new JsonObject().put("kind", "sms").put("to", "+375291234567").put("text", "Личный кабинет: 123456"));
        assertThat(sms).isEqualTo(new Delivery.Sms("2-0", "+375291234567", "Личный кабинет: 123456"));
        assertThat(sms.kind()).isEqualTo("sms");
        assertThat(sms.address()).isEqualTo(Addresses.SMS);
        assertThat(sms.toString()).contains("2-0").doesNotContain("123456").doesNotContain("+375");
    }
}
