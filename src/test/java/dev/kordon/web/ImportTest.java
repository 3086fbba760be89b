package dev.kordon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Accounts from the contract applications, as CSV: good rows saved, bad rows named with their reason. */
class ImportTest {
  @Test
  void importsGoodRowsAndReportsBadOnes() {
    try (Rig rig = Rig.start()) {
      rig.account("mobile", "+375291900002", "Старый тариф", "active", null, "old@org.by");
      String csv = "category,login,tariff,email,role\n"
          + "mobile,+375 29 190-00-01,SIP-соединение,one@org.by,subscriber\n"
          + "mobile,80291900002,SIP-соединение,two@org.by,administrator\n"
          + "mobile,+375 17 190-00-03,SIP-соединение,three@org.by,subscriber\n"
          + "internet,00123456,\"SIP-соединение, офис\",four@org.by,\n"
          + "satellite,123,SIP-соединение,not-an-email,root\n";
      var r = Rig.await(rig.http.request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
          .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN).putHeader("Content-Type", "text/csv; charset=utf-8")
          .sendBuffer(Buffer.buffer(csv)));
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      assertThat(body.getInteger("created")).isEqualTo(2);
      assertThat(body.getInteger("updated")).isEqualTo(1);
      assertThat(body.getJsonArray("rejected")).hasSize(2);
      assertThat(body.getJsonArray("rejected").getJsonObject(0).getLong("line")).isEqualTo(4);
      assertThat(body.getJsonArray("rejected").getJsonObject(0).getString("reason"))
          .contains("Введите 9 цифр номера в формате 29xxxxxxx");
      assertThat(body.getJsonArray("rejected").getJsonObject(1).getLong("line")).isEqualTo(6);

      var two = rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291900002", null, Rig.ADMIN_TOKEN).bodyAsJsonObject();
      assertThat(two.getString("tariff")).isEqualTo("SIP-соединение");
      assertThat(two.getString("role")).isEqualTo("administrator");
      var four = rig.admin(HttpMethod.GET, "/admin/v1/accounts/internet/00123456", null, Rig.ADMIN_TOKEN).bodyAsJsonObject();
      assertThat(four.getString("tariff")).isEqualTo("SIP-соединение, офис");
      assertThat(four.getString("role")).isEqualTo("subscriber");

      var noHeader = Rig.await(rig.http.request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
          .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN).putHeader("Content-Type", "text/csv")
          .sendBuffer(Buffer.buffer("mobile,+375291900001,SIP-соединение,a@b.by,subscriber\n")));
      assertThat(noHeader.statusCode()).isEqualTo(400);
      var json = Rig.await(rig.http.request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
          .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN).sendJsonObject(new JsonObject()));
      assertThat(json.statusCode()).isEqualTo(415);
      var anonymous = Rig.await(rig.http.request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
          .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(csv)));
      assertThat(anonymous.statusCode()).isEqualTo(401);
    }
  }
}
