package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No enumeration: for a login with an account and one without, every public answer has the same
 * status, body and headers, and takes the same time (medians of 200+ samples within 5 ms).
 */
class EnumerationTest {
  static Rig rig;
  static final int ACCOUNTS = 50;

  @BeforeAll
  static void up() {
    // The shipped Argon2id parameters: the timing must hold for what production runs.
    rig = Rig.builder().set("hash.memory-kib", 19456).set("hash.iterations", 2).start();
    for (int i = 0; i < ACCOUNTS; i++) {
      rig.account(String.format("+37529600%04d", i), "Known-Account-Password-" + i);
    }
  }

  @AfterAll
  static void down() {
    rig.close();
  }

  static HttpResponse<Buffer> login(String phone) {
    return rig.login(phone, "not-the-password-42");
  }

  @Test
  void wrongPasswordAndUnknownLoginTakeTheSameTime() {
    // Every answer, warm-up included, by what a client can compare: one shape for all of them.
    Map<String, Integer> shapes = new LinkedHashMap<>();
    // Warm up both paths first (JIT, connections, prepared statements).
    for (int i = 0; i < 20; i++) {
      shapes.merge(shape(login(String.format("+37529600%04d", i % ACCOUNTS))), 1, Integer::sum);
      shapes.merge(shape(login(String.format("+37529690%04d", i))), 1, Integer::sum);
    }
    int samples = 220;
    long[] known = new long[samples];
    long[] unknown = new long[samples];
    HttpResponse<Buffer> lastKnown = null;
    for (int i = 0; i < samples; i++) {
      // Interleaved, so drift in the machine's load hits both sides alike.
      long t0 = System.nanoTime();
      HttpResponse<Buffer> k = login(String.format("+37529600%04d", i % ACCOUNTS));
      long t1 = System.nanoTime();
      HttpResponse<Buffer> u = login(String.format("+37529691%04d", i));
      long t2 = System.nanoTime();
      known[i] = t1 - t0;
      unknown[i] = t2 - t1;
      shapes.merge(shape(k), 1, Integer::sum);
      shapes.merge(shape(u), 1, Integer::sum);
      lastKnown = k;
    }
    assertThat(shapes).hasSize(1).containsValue(2 * (20 + samples));
    assertThat(lastKnown.statusCode()).isEqualTo(401);
    double knownMs = median(known) / 1e6;
    double unknownMs = median(unknown) / 1e6;
    System.out.printf("sign-in refusal, median of %d: known login %.2f ms, unknown login %.2f ms, difference %.2f ms%n",
        samples, knownMs, unknownMs, Math.abs(knownMs - unknownMs));
    assertThat(Math.abs(knownMs - unknownMs)).isLessThan(5.0);
  }

  @Test
  void sendingAnswersAreIdentical() {
    for (String path : List.of("/api/v1/login/sms-code", "/api/v1/password/recovery")) {
      JsonObject body = new JsonObject().put("category", "mobile").put("channel", "email");
      var known = rig.post(path, body.copy().put("login", "+375296000001"));
      var unknown = rig.post(path, body.copy().put("login", "+375296999998"));
      assertThat(known.statusCode()).as(path).isEqualTo(202).isEqualTo(unknown.statusCode());
      assertThat(known.bodyAsString()).as(path).isEqualTo(unknown.bodyAsString());
      assertThat(new TreeSet<>(known.headers().names())).isEqualTo(new TreeSet<>(unknown.headers().names()));
      assertThat(shape(known)).as(path).isEqualTo(shape(unknown));
    }
  }

  /**
   * Status, every header with its value, and body. An X-Request-Id (the contract's) is fresh on every
   * answer, so only its presence counts.
   */
  static String shape(HttpResponse<Buffer> r) {
    StringBuilder sb = new StringBuilder().append(r.statusCode()).append('\n');
    new TreeSet<>(r.headers().names().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList()).forEach(name -> {
      List<String> values = r.headers().getAll(name);
      if (name.equals("x-request-id")) {
        assertThat(values).hasSize(1);
        values = List.of("(fresh)");
      }
      sb.append(name).append(": ").append(values).append('\n');
    });
    return sb.append(r.bodyAsString()).toString();
  }

  static double median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
  }

}
