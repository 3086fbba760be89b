package dev.kordon.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.scale.Accounts.Acct;
import dev.kordon.scale.LoadDriver.Answered;
import dev.kordon.scale.LoadDriver.Call;
import dev.kordon.scale.LoadDriver.Fail;
import dev.kordon.scale.LoadDriver.Loop;
import dev.kordon.scale.LoadDriver.Outcome;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.SmsProviderStub;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scale-out with real processes: three {@code java -jar target/kordon.jar} instances sharing one
 * Postgres and one six-node Redis Cluster, an SMTP server that can go down, an SMS provider
 * stand-in, nginx round-robin in front; and, for the Sentinel test, a master, two replicas, three
 * sentinels and an instance of its own.
 *
 * <p>The instances run with the shipped verified-token cache, as in production. The dead-master
 * test tells requests apart by the Redis slots they may touch: a sign-in's IP, login and account
 * keys; a token check's deny-list key of its account (reached when the token is not cached, or
 * while the cache is bypassed because the revocation subscription was lost). Client addresses are chosen through
 * X-Forwarded-For (the instances trust 127.0.0.1, where nginx and the tests connect from). The
 * cluster tests run in the order below: the dead-master test leaves the cluster with a master
 * gone, so it comes last of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {
  static final String PASSWORD = "Granite-Harbor-4417";
  static final int HASH_MEMORY_KIB = 7168;
  static final int HASH_ITERATIONS = 1;
  static final Duration DRAIN_DELAY = Duration.ofSeconds(2);
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  static final int SCALE_ACCOUNTS = 300;
  static final Pattern TEMP = Mailbox.TEMP_PASSWORD;
  static final Pattern SMS_CODE = Pattern.compile("Личный кабинет: (\\d{6})");
  static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  static Path work;
  static EmbeddedPostgres postgres;
  static RedisCluster cluster;
  static Smtp smtp;
  static SmsProviderStub sms;
  static Path keysDir;
  static String secretsKey;
  static String jdbcUrl;
  static final List<Instance> instances = new ArrayList<>();
  static Nginx nginx;
  static LoadDriver driver;
  static final List<Acct> scale = new ArrayList<>();
  // The Sentinel test's own processes, here so that a failure half-way still stops them.
  static RedisSentinels sentinels;
  static Instance sentinelInstance;

  @BeforeAll
  static void startEverything() throws Exception {
    long t0 = System.nanoTime();
    try {
      RedisCluster.requireInstalled();
      Nginx.requireInstalled();
    } catch (RuntimeException missing) {
      // Like the browser tests: skipped with a notice on a machine without them, never in CI.
      if ("true".equals(System.getenv("KORDON_REQUIRE_SCALE_OUT"))) {
        throw missing;
      }
      Assumptions.abort("scale-out tests skipped: " + missing.getMessage() + " (KORDON_REQUIRE_SCALE_OUT=true makes this a failure)");
    }
    assertThat(Instance.JAR).as("the packaged jar (./mvnw package)").exists();
    work = Procs.tempDir("kordon-scale-");
    postgres = EmbeddedPostgres.builder().setPgBinaryResolver(ScaleOutIT::postgresBinaries).start();
    String db = freshDatabase();
    jdbcUrl = jdbc(db);
    cluster = RedisCluster.start(work.resolve("cluster"));
    smtp = new Smtp(Procs.freePort());
    smtp.start();
    sms = new SmsProviderStub();
    keysDir = Files.createDirectories(work.resolve("jwt-keys"));
    writeSigningKey(keysDir.resolve("scale-2026.pem"));
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    secretsKey = Base64.getEncoder().encodeToString(secret);

    for (String name : List.of("a", "b", "c")) {
      instances.add(new Instance(name, work.resolve("instances"), environment(pgUrl(db), "cluster", cluster.urls(), Map.of())));
    }
    for (Instance i : instances) {
      i.start();
    }
    for (Instance i : instances) {
      i.awaitReady(Duration.ofSeconds(120));
    }

    for (int i = 0; i < SCALE_ACCOUNTS; i++) {
      scale.add(new Acct(String.format("+37525%07d", 1_000_000 + i), "scale-" + i + "@org.by"));
    }
    Accounts.importCsv(instances.get(0), scale);
    Accounts.setPassword(jdbcUrl, scale.stream().map(Acct::login).toList(), PASSWORD, HASH_MEMORY_KIB, HASH_ITERATIONS);
    SECRETS.add(PASSWORD);

    nginx = Nginx.start(work.resolve("nginx"), instances.stream().map(i -> i.httpPort).toList());
    driver = new LoadDriver(256);
    System.out.printf("%nscale-out stack up in %.1f s: instances %s, nginx :%d, Redis Cluster %s%n",
        (System.nanoTime() - t0) / 1e9, instances, nginx.port(), cluster.describe());
  }

  @AfterAll
  static void stopEverything() {
    List<String> leaks = new ArrayList<>();
    Path kept = Path.of("target", "scale-out", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
        .toAbsolutePath();
    try {
      List<Instance> kordons = new ArrayList<>(instances);
      if (sentinelInstance != null) {
        kordons.add(sentinelInstance);
      }
      // All at once: each takes its drain delay to go.
      kordons.stream().filter(Instance::alive).forEach(i -> quietly(i::terminate));
      List<AutoCloseable> order = new ArrayList<>(java.util.Arrays.asList(driver, nginx));
      order.addAll(kordons);
      order.addAll(java.util.Arrays.asList(sentinels, cluster, smtp, sms, postgres));
      for (AutoCloseable c : order) {
        if (c != null) {
          quietly(c::close);
        }
      }
      quietly(() -> leaks.addAll(leaks()));
      quietly(() -> Procs.keepLogs(work, kept));
      System.out.println("logs of the run: " + kept);
    } finally {
      Procs.killAll();
      Procs.deleteTree(work);
    }
    assertThat(leaks).as("secrets found in the instances' logs (kept in %s)", kept).isEmpty();
  }

  // ------------------------------------------------------------------------------------------
  // 1

  @Test
  @Order(1)
  void crossInstanceFlowsShareState() throws Exception {
    ensureHealthy("crossInstanceFlowsShareState");
    Instance a = instances.get(0);
    Instance b = instances.get(1);
    Instance c = instances.get(2);
    String xff = "127.50.0.1";
    System.out.println("\n== crossInstanceFlowsShareState");

    // An SMS code asked on A signs in on B; the one-visit token verifies on C; the code is spent everywhere.
    String smsLogin = "+375291100001";
    assertThat(Accounts.put(a, smsLogin, "cross-sms@org.by").status()).isEqualTo(201);
    Http.Answer asked = Http.postJson(a.base() + "/api/v1/login/sms-code",
        new JsonObject().put("category", "mobile").put("login", smsLogin), null, xff);
    assertThat(asked.status()).as("sms-code on A: %s", asked).isEqualTo(202);
    Procs.await("the SMS to " + smsLogin, Duration.ofSeconds(15), () -> !sms.to(smsLogin).isEmpty());
    Matcher m = SMS_CODE.matcher(sms.to(smsLogin).get(0).getString("text"));
    assertThat(m.find()).isTrue();
    String code = secret(m.group(1));
    JsonObject smsBody = new JsonObject().put("category", "mobile").put("login", smsLogin).put("code", code);
    Http.Answer onB = Http.postJson(b.base() + "/api/v1/login/sms", smsBody, null, xff);
    assertThat(onB.status()).as("the code on B: %s", onB).isEqualTo(200);
    assertThat(onB.json().containsKey("refresh_token")).isFalse();
    String smsToken = secret(onB.json().getString("access_token"));
    assertThat(Http.get(c.base() + "/auth/verify", smsToken).status()).as("its token on C").isEqualTo(200);
    assertThat(Http.postJson(c.base() + "/api/v1/login/sms", smsBody, null, xff).status()).as("the code again, on C")
        .isEqualTo(401);
    System.out.println("  ok  SMS code asked on A, signed in on B, token verified on C, code refused again on C");

    // Password failures on A, B and C add up to one count: the delay, then the lock.
    String pwLogin = "+375291100002";
    assertThat(Accounts.put(b, pwLogin, "cross-pw@org.by").status()).isEqualTo(201);
    Accounts.setPassword(jdbcUrl, List.of(pwLogin), PASSWORD, HASH_MEMORY_KIB, HASH_ITERATIONS);
    List<Instance> abc = List.of(a, b, c);
    for (Instance i : abc) {
      Http.Answer wrong = Http.postJson(i.base() + "/api/v1/login/password", Accounts.body(pwLogin, "Wrong-Guess-1234"), null, xff);
      assertThat(wrong.status()).as("a wrong password on %s: %s", i, wrong).isEqualTo(401);
    }
    JsonObject state = Accounts.get(b, pwLogin);
    assertThat(state.getLong("password_failures")).as("failures counted over A, B, C: %s", state).isEqualTo(3);
    // login.delay-after is 3: now even the right password waits (login.delay-base 1 s), whichever instance.
    Http.Answer delayed = Http.postJson(a.base() + "/api/v1/login/password", Accounts.body(pwLogin, PASSWORD), null, xff);
    assertThat(delayed.status()).as("right password on A right after three failures elsewhere: %s", delayed).isEqualTo(429);
    assertThat(delayed.retryAfter()).isNotBlank();
    for (Instance i : List.of(b, c, a)) {
      Procs.sleep(1_200);
      Http.Answer wrong = Http.postJson(i.base() + "/api/v1/login/password", Accounts.body(pwLogin, "Wrong-Guess-1234"), null, xff);
      assertThat(wrong.status()).as("a wrong password on %s after the delay: %s", i, wrong).isEqualTo(401);
    }
    state = Accounts.get(c, pwLogin);
    assertThat(state.getLong("password_failures")).as("state after six failures: %s", state).isEqualTo(6);
    assertThat(state.getBoolean("password_locked")).as("locked at login.lock-after = 6: %s", state).isTrue();
    Procs.sleep(1_200);
    assertThat(Http.postJson(b.base() + "/api/v1/login/password", Accounts.body(pwLogin, PASSWORD), null, xff).status())
        .as("the right password on B while locked").isEqualTo(401);
    assertThat(Accounts.unlock(a, pwLogin).status()).as("unlock on A's admin port").isEqualTo(204);
    Http.Answer unlocked = Http.postJson(c.base() + "/api/v1/login/password", Accounts.body(pwLogin, PASSWORD), null, xff);
    assertThat(unlocked.status()).as("the right password on C after the unlock: %s", unlocked).isEqualTo(200);
    String pwToken = secret(unlocked.json().getString("access_token"));
    assertThat(Accounts.get(b, pwLogin).getLong("password_failures")).isZero();
    System.out.println("  ok  wrong passwords on A, B, C counted as 3; delay (429) on A; locked at 6; unlock on A; sign-in on C");

    // A sign-out on A holds on B and C.
    assertThat(Http.get(b.base() + "/auth/verify", pwToken).status()).isEqualTo(200);
    assertThat(Http.postJson(a.base() + "/api/v1/logout", null, pwToken, xff).status()).as("logout on A").isEqualTo(204);
    assertThat(Http.get(b.base() + "/auth/verify", pwToken).status()).as("verify on B after logout on A").isEqualTo(401);
    assertThat(Http.get(c.base() + "/auth/verify", pwToken).status()).as("verify on C after logout on A").isEqualTo(401);
    System.out.println("  ok  logout on A: the token refused on B and C");

    // Recovery asked on C, the temporary password used on A, the forced change made on B, the new password on C.
    String recLogin = "+375291100003";
    String recMail = "cross-recovery@org.by";
    assertThat(Accounts.put(c, recLogin, recMail).status()).isEqualTo(201);
    Http.Answer recovery = Http.postJson(c.base() + "/api/v1/password/recovery",
        new JsonObject().put("category", "mobile").put("login", recLogin).put("channel", "email"), null, xff);
    assertThat(recovery.status()).as("recovery on C: %s", recovery).isEqualTo(202);
    List<Mailbox.Mail> mails = Mailbox.await(smtp.server(), recMail, 1, 20_000);
    assertThat(mails).as("the recovery mail").hasSize(1);
    Matcher t = TEMP.matcher(mails.get(0).text());
    assertThat(t.find()).isTrue();
    String temp = secret(t.group(1));
    Http.Answer withTemp = Http.postJson(a.base() + "/api/v1/login/password", Accounts.body(recLogin, temp), null, xff);
    assertThat(withTemp.status()).as("the temporary password on A: %s", withTemp).isEqualTo(200);
    assertThat(withTemp.json().getBoolean("password_change_required")).isTrue();
    String change = secret(withTemp.json().getString("change_token"));
    String fresh = secret("Velvet-Compass-8260");
    Http.Answer changed = Http.postJson(b.base() + "/api/v1/password/change",
        new JsonObject().put("new_password", fresh).put("confirm_password", fresh), change, xff);
    assertThat(changed.status()).as("the change on B: %s", changed).isEqualTo(204);
    Http.Answer withFresh = Http.postJson(c.base() + "/api/v1/login/password", Accounts.body(recLogin, fresh), null, xff);
    assertThat(withFresh.status()).as("the new password on C: %s", withFresh).isEqualTo(200);
    secret(withFresh.json().getString("access_token"));
    assertThat(Http.postJson(b.base() + "/api/v1/login/password", Accounts.body(recLogin, temp), null, xff).status())
        .as("the temporary password again, on B").isEqualTo(401);
    // The change's notice comes too; after it no mail of this test is on its way.
    assertThat(Mailbox.await(smtp.server(), recMail, 2, 20_000)).as("recovery mail and change notice").hasSize(2);
    System.out.println("  ok  recovery asked on C, temporary password used on A, changed on B, new password on C");

    // The outbox, read by every instance's dispatcher, delivers each of N recoveries once.
    int n = 30;
    List<Acct> drain = IntStream.range(0, n).mapToObj(i -> new Acct(String.format("+37529120%04d", i), "drain-" + i + "@org.by"))
        .toList();
    Accounts.importCsv(a, drain);
    Map<String, Double> sentBefore = mailsSent();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      statuses.add(Http.postJson(abc.get(i % 3).base() + "/api/v1/password/recovery", new JsonObject().put("category", "mobile")
          .put("login", drain.get(i).login()).put("channel", "email"), null, "127.50.1." + (i + 1)).status());
    }
    assertThat(statuses).as("recoveries asked on A, B, C in turn").containsOnly(202);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end && drain.stream().anyMatch(d -> Mailbox.to(smtp.server(), d.email()).isEmpty())) {
      Procs.sleep(100);
    }
    Procs.sleep(3_000); // long enough for a second delivery of any of them to show up
    Map<String, Integer> perRecipient = mailsPerRecipient(drain);
    Map<String, Double> sentAfter = mailsSent();
    Map<String, Double> byInstance = new LinkedHashMap<>();
    sentAfter.forEach((k, v) -> byInstance.put(k, v - sentBefore.getOrDefault(k, 0.0)));
    System.out.printf("  ..  %d recoveries over A, B, C: mails per recipient (count of recipients) %s; sent by instance %s%n",
        n, perRecipient.values().stream().collect(Collectors.groupingBy(x -> x, Collectors.counting())), byInstance);
    assertThat(perRecipient).as("mails per recipient").allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(1));
    assertThat(byInstance.values().stream().mapToDouble(Double::doubleValue).sum())
        .as("mails the instances report sent (kordon_outbox_deliveries_total), by instance %s", byInstance).isEqualTo(n);
    assertThat(outboxLength()).as("entries left in the outbox stream").isZero();
  }

  // ------------------------------------------------------------------------------------------
  // 2

  @Test
  @Order(2)
  void twoHundredConcurrentVerifyAndSignInPerInstanceForSixtySecondsOnACluster() {
    ensureHealthy("twoHundredConcurrentVerifyAndSignInPerInstanceForSixtySecondsOnACluster");
    // Access tokens of 150 accounts, each signed in on one of the three instances.
    List<Call> firstSignIns = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      Instance at = instances.get(i % 3);
      firstSignIns.add(Loops.signIn(at.name, at.httpPort, scale.get(i).login(), PASSWORD, "127.60.0." + (i + 1), null));
    }
    List<Answered> first = driver.all(firstSignIns);
    List<Outcome> firstOutcomes = first.stream().map(Answered::outcome).toList();
    assertThat(failed(firstOutcomes)).as("150 sign-ins at once (50 per instance) before the load; failures:%n%s",
        Report.failures(firstOutcomes, 12)).isZero();
    List<String> tokens = first.stream().map(x -> secret(x.response().bodyAsJsonObject().getString("access_token"))).toList();

    // Per instance: 180 loops verify (a token from any instance), 20 loops sign in (5 accounts each, all distinct).
    List<Loop> loops = new ArrayList<>();
    int signInLoop = 0;
    for (int inst = 0; inst < 3; inst++) {
      Instance at = instances.get(inst);
      for (int j = 0; j < 200; j++) {
        String xff = "127.61." + inst + "." + (j + 1);
        if (j % 10 == 0) {
          int k = signInLoop++;
          List<String> mine = IntStream.range(0, 5).mapToObj(r -> scale.get(k + 60 * r).login()).toList();
          loops.add(new Loops.SignInLoop(at.name, at.httpPort, mine, PASSWORD, xff));
        } else {
          loops.add(new Loops.VerifyLoop(at.name, at.httpPort, tokens.get((inst * 200 + j) % tokens.size()), xff));
        }
      }
    }
    LoadDriver.Run run = driver.start(loops);
    Procs.sleep(60_000);
    List<Outcome> outcomes = run.stop();
    double seconds = run.seconds();

    // Afterwards: every instance ready again within 10 s, and a fresh sign-in works on each.
    Map<String, String> after = new java.util.TreeMap<>();
    inParallel(instances, i -> {
      long t = System.nanoTime();
      int status = i.ready();
      while (System.nanoTime() - t < Duration.ofSeconds(10).toNanos() && status != 200) {
        Procs.sleep(100);
        status = i.ready();
      }
      Answered fresh = driver.once(Loops.signIn(i.name, i.httpPort, scale.get(SCALE_ACCOUNTS - 1).login(), PASSWORD, "127.62.0.1", null));
      String state = "ready " + status + ", sign-in " + (fresh.outcome().ok() ? "200" : fresh.outcome().describe());
      if (status != 200 || !fresh.outcome().ok()) {
        System.out.println(i + " is stuck; its threads: " + i.threadDump());
      }
      synchronized (after) {
        after.put(i.name, state);
      }
      return null;
    });

    Map<String, List<Outcome>> groups = new LinkedHashMap<>(Report.by(outcomes, o -> o.call().target() + " " + o.call().kind()));
    groups.put("all verify", outcomes.stream().filter(o -> o.call().kind().equals(Loops.VERIFY)).toList());
    groups.put("all sign-in", outcomes.stream().filter(o -> o.call().kind().equals(Loops.SIGN_IN)).toList());
    groups.put("all", outcomes);
    System.out.print(Report.table("twoHundredConcurrent…: 600 loops (540 verify, 60 sign-in) for 60 s, direct to each instance",
        groups, seconds));
    long shed = outcomes.stream().filter(o -> o.call().kind().equals(Loops.SIGN_IN) && o.status() == 503
        && "code=overloaded".equals(o.detail())).count();
    String failures = Report.failures(outcomes, 12);
    System.out.printf("requests/s %.0f, p99 %.1f ms; sign-ins shed (503 overloaded): %d; afterwards %s%nfailures:%n%s%n",
        outcomes.size() / seconds, Report.p99(outcomes), shed, after, failures);

    assertThat(outcomes.stream().filter(o -> o.fail() == Fail.TIMEOUT).count())
        .as("client timeouts (10 s) among %d requests; failures:%n%s", outcomes.size(), failures).isZero();
    assertThat(outcomes.stream().filter(o -> o.fail() == Fail.CONNECTION).count())
        .as("connection errors among %d requests; failures:%n%s", outcomes.size(), failures).isZero();
    assertThat(groups.get("all verify")).as("verifies").isNotEmpty();
    assertThat(groups.get("all sign-in")).as("sign-ins").isNotEmpty();
    assertThat(shed).as("sign-ins shed with 503 overloaded (hash.max-wait 30 s)").isZero();
    // Three JVMs, six Redis nodes and 600 loops share two cores: p99 is seconds, and a command whose
    // reply waits behind a busy event loop may pass its 2 s deadline. Such a request must be refused
    // in the documented shape (503 + Retry-After), never hang or break, and stay rare.
    assertThat(failedOtherThan503(outcomes)).as("answers other than 200 or 503 + Retry-After; failures:%n%s", failures)
        .isZero();
    assertThat(failed(outcomes)).as("503s among %d requests (at most 1 in 1,000); failures:%n%s", outcomes.size(), failures)
        .isLessThanOrEqualTo(outcomes.size() / 1000);
    assertThat(after).as("each instance afterwards").allSatisfy((k, v) -> assertThat(v).isEqualTo("ready 200, sign-in 200"));
  }

  // ------------------------------------------------------------------------------------------
  // 3

  @Test
  @Order(3)
  void mailAcceptedWhileSmtpIsDownIsDeliveredOnceAfter() {
    ensureHealthy("mailAcceptedWhileSmtpIsDownIsDeliveredOnceAfter");
    int n = 30;
    List<Acct> outage = IntStream.range(0, n).mapToObj(i -> new Acct(String.format("+37529130%04d", i), "outage-" + i + "@org.by"))
        .toList();
    Accounts.importCsv(instances.get(0), outage);
    smtp.stop();
    long down = System.nanoTime();
    List<Integer> statuses = new ArrayList<>();
    long waiting;
    try {
      for (int i = 0; i < n; i++) {
        statuses.add(Http.postJson(instances.get(i % 3).base() + "/api/v1/password/recovery", new JsonObject()
            .put("category", "mobile").put("login", outage.get(i).login()).put("channel", "email"), null, "127.51.0." + (i + 1))
            .status());
      }
      Procs.sleep(Math.max(0, Duration.ofSeconds(30).toMillis() - (System.nanoTime() - down) / 1_000_000));
      waiting = outboxLength();
    } finally {
      smtp.start();
    }
    long up = System.nanoTime();
    long end = up + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end && outage.stream().anyMatch(d -> Mailbox.to(smtp.server(), d.email()).isEmpty())) {
      Procs.sleep(100);
    }
    double allIn = (System.nanoTime() - up) / 1e9;
    Procs.sleep(3_000); // long enough for a second delivery of any of them to show up
    Map<String, Integer> perRecipient = mailsPerRecipient(outage);
    long left = outboxLength();
    System.out.printf("%n== mailAcceptedWhileSmtpIsDown…: SMTP down 30 s, %d recoveries over A/B/C answered %s; %d waited "
        + "in the outbox; SMTP up again: all in after %.1f s; mails per recipient %s; outbox left %d%n", n,
        statuses.stream().collect(Collectors.groupingBy(x -> x, Collectors.counting())), waiting, allIn,
        perRecipient.values().stream().collect(Collectors.groupingBy(x -> x, Collectors.counting())), left);
    assertThat(statuses).as("recoveries accepted while SMTP is down").containsOnly(202);
    assertThat(waiting).as("messages waiting in the outbox while SMTP was down").isEqualTo(n);
    assertThat(perRecipient).as("mails per recipient, 3 s after the last arrived (%.1f s after SMTP came back)", allIn)
        .allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(1));
    assertThat(left).as("entries left in the outbox stream").isZero();
  }

  // ------------------------------------------------------------------------------------------
  // 4

  @Test
  @Order(4)
  void anInstanceRestartedUnderLoadThroughNginxLosesNoRequest() throws Exception {
    ensureHealthy("anInstanceRestartedUnderLoadThroughNginxLosesNoRequest");
    Instance victim = instances.get(1);
    List<Loop> loops = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      loops.add(new Loops.SignInVerifyLoop("nginx", nginx.port(), scale.get(200 + i).login(), PASSWORD, "127.70.0." + (i + 1),
          null, null));
    }
    LoadDriver.Run run = driver.start(loops);
    Procs.sleep(5_000);

    int run1 = victim.logFiles().size();
    long term = victim.terminate();
    // Readiness of the draining instance, asked directly, until it stops answering.
    List<long[]> readiness = new ArrayList<>();
    while (victim.alive()) {
      int status = victim.ready();
      readiness.add(new long[] {(System.nanoTime() - term) / 1_000_000, status});
      if (status == -1) {
        break;
      }
      Procs.sleep(50);
    }
    Duration allowed = DRAIN_DELAY.plus(SHUTDOWN_GRACE).plusSeconds(5);
    Integer exit = victim.waitFor(allowed.plusSeconds(15).minusMillis((System.nanoTime() - term) / 1_000_000));
    double exitedAfter = (System.nanoTime() - term) / 1e9;
    String firstLog = victim.log(run1);
    if (exit == null) {
      victim.kill();
    }
    victim.start();
    victim.awaitReady(Duration.ofSeconds(90));
    long back = System.nanoTime();
    Procs.sleep(10_000);
    List<Outcome> outcomes = run.stop();

    Map<String, List<Outcome>> groups = new LinkedHashMap<>();
    groups.put("before SIGTERM", outcomes.stream().filter(o -> o.endNs() < term).toList());
    groups.put("SIGTERM .. ready again", outcomes.stream().filter(o -> o.endNs() >= term && o.startNs() < back).toList());
    groups.put("after restart", outcomes.stream().filter(o -> o.startNs() >= back).toList());
    groups.putAll(Report.by(outcomes, o -> "all " + o.call().kind()));
    groups.put("all", outcomes);
    System.out.print(Report.table("anInstanceRestartedUnderLoadThroughNginx…: 50 loops through nginx, " + victim
        + " SIGTERM'd and started again", groups, run.seconds()));
    String firstReadiness = readiness.stream().limit(40).map(r -> r[0] + "ms:" + r[1]).collect(Collectors.joining(" "));
    System.out.printf("exit %s after %.1f s (allowed %d s); readiness after SIGTERM (ms:status) %s%nfailures:%n%s%n",
        exit, exitedAfter, allowed.toSeconds(), firstReadiness, Report.failures(outcomes, 12));
    List<String> nginxNot200 = nginx.notOkLines();
    if (!nginxNot200.isEmpty()) {
      System.out.println("nginx answers other than 200 (first 20):\n" + String.join("\n", nginxNot200.subList(0,
          Math.min(20, nginxNot200.size()))) + "\nnginx error log:\n" + nginx.errorLogTail(20));
    }

    assertThat(failed(outcomes)).as("failed client requests through nginx:%n%s",
        Report.failures(outcomes, 12)).isZero();
    assertThat(exit).as("exit status of the SIGTERM'd instance").isNotNull().isIn(0, 143);
    assertThat(exitedAfter).as("seconds from SIGTERM to exit").isLessThanOrEqualTo(allowed.toSeconds());
    assertThat(firstLog).as("its log (%s)", victim.logFiles().get(run1 - 1)).containsIgnoringCase("draining")
        .containsIgnoringCase("stopped");
    List<Integer> statuses = readiness.stream().map(r -> (int) r[1]).toList();
    int first503 = statuses.indexOf(503);
    assertThat(first503).as("/health/ready answered 503 while draining; readiness %s", firstReadiness).isNotNegative();
    assertThat(readiness.get(first503)[0]).as("ms from SIGTERM to the first 503 of /health/ready").isLessThan(1_000);
    assertThat(statuses.subList(first503, statuses.size())).as("readiness after the first 503: %s", firstReadiness)
        .doesNotContain(200);
  }

  // ------------------------------------------------------------------------------------------
  // 5

  @Test
  @Order(5)
  void aDeadReplicaCostsNothingAndADeadMasterOnlyItsSlots() {
    ensureHealthy("aDeadReplicaCostsNothingAndADeadMasterOnlyItsSlots");
    cluster.awaitHealthy(Duration.ofSeconds(30));
    List<RedisCluster.NodeInfo> masters = cluster.masters().stream().sorted(Comparator.comparingInt(RedisCluster.NodeInfo::port))
        .toList();
    RedisCluster.NodeInfo victim = masters.get(0);
    RedisCluster.NodeInfo deadReplica = cluster.replicas().stream().filter(r -> !victim.id().equals(r.masterId())).findFirst()
        .orElseThrow();
    BitSet victimSlots = victim.slots();

    // Loops whose every key lives off the victim ("clear"), and loops with exactly one tag on it.
    record Pick(Acct acct, UUID id, String ip, String kind) {}
    Map<String, Integer> wanted = new LinkedHashMap<>(Map.of("clear", 30, "account on victim", 10, "login on victim", 10,
        "ip on victim", 10));
    List<Pick> picks = new ArrayList<>();
    int ipSeq = 0;
    for (int i = 0; i < SCALE_ACCOUNTS && picks.size() < 60; i++) {
      Acct acct = scale.get(i);
      UUID id = Accounts.id(instances.get(i % 3), acct.login());
      boolean aOn = victimSlots.get(Slots.slotOfTag("a:" + id));
      boolean lOn = victimSlots.get(Slots.slotOfTag("l:mobile:" + acct.login()));
      String kind = aOn && !lOn ? "account on victim" : lOn && !aOn ? "login on victim" : !aOn ? null : "both";
      if (kind == null) {
        kind = wanted.get("clear") > 0 ? "clear" : "ip on victim";
      }
      if (!wanted.containsKey(kind) || wanted.get(kind) == 0) {
        continue;
      }
      boolean ipOn = kind.equals("ip on victim");
      String ip;
      do {
        ipSeq++;
        ip = "127.80." + (ipSeq / 250) + "." + (ipSeq % 250 + 1);
      } while (victimSlots.get(Slots.slotOfTag("ip:" + ip)) != ipOn);
      wanted.merge(kind, -1, Integer::sum);
      picks.add(new Pick(acct, id, ip, kind));
    }
    assertThat(wanted.values()).as("accounts found for each kind of loop").containsOnly(0);

    List<Loop> loops = new ArrayList<>();
    Map<Integer, String> kindOfLoop = new HashMap<>();
    for (int i = 0; i < picks.size(); i++) {
      Pick p = picks.get(i);
      Instance at = instances.get(i % 3);
      int a = Slots.slotOfTag("a:" + p.id());
      int[] signIn = {Slots.slotOfTag("ip:" + p.ip()), Slots.slotOfTag("l:mobile:" + p.acct().login()), a};
      loops.add(new Loops.SignInVerifyLoop(at.name, at.httpPort, p.acct().login(), PASSWORD, p.ip(), signIn, new int[] {a}));
      kindOfLoop.put(i, p.kind());
    }

    LoadDriver.Run run = driver.start(loops);
    Procs.sleep(3_000);
    long replicaKilled = System.nanoTime();
    cluster.kill(deadReplica.port());
    Procs.sleep(15_000);
    long masterKilled = System.nanoTime();
    cluster.kill(victim.port());
    long promoted = cluster.awaitFailover(victim.port(), victimSlots, Duration.ofSeconds(40));
    Procs.sleep(18_000);
    List<Outcome> outcomes = run.stop();
    double promotedAfter = (promoted - masterKilled) / 1e9;

    List<Outcome> phaseA = outcomes.stream().filter(o -> o.endNs() < masterKilled).toList();
    List<Outcome> phaseB = outcomes.stream().filter(o -> o.endNs() >= masterKilled).toList();
    List<Outcome> clear = phaseB.stream().filter(o -> !o.touchesAny(victimSlots)).toList();
    List<Outcome> exposed = phaseB.stream().filter(o -> o.touchesAny(victimSlots)).sorted(Comparator.comparingLong(Outcome::startNs))
        .toList();
    long settle = promoted + Duration.ofSeconds(15).toNanos();
    List<Outcome> exposedLate = exposed.stream().filter(o -> o.startNs() >= settle).toList();
    // The first moment after which every request on the victim's slots succeeded.
    long lastFailure = exposed.stream().filter(o -> !o.ok()).mapToLong(Outcome::startNs).max().orElse(masterKilled);
    Map<String, List<Outcome>> groups = new LinkedHashMap<>();
    groups.put("all alive (3 s)", phaseA.stream().filter(o -> o.endNs() < replicaKilled).toList());
    groups.put("replica dead (15 s)", phaseA.stream().filter(o -> o.endNs() >= replicaKilled).toList());
    groups.put("master dead: keys off victim", clear);
    groups.put("master dead: victim's slots", exposed);
    groups.put("  .. started >= promotion + 15 s", exposedLate);
    for (String kind : List.of("account on victim", "login on victim", "ip on victim")) {
      groups.put("  .. loops with " + kind, phaseB.stream().filter(o -> kind.equals(kindOfLoop.get(o.loop()))).toList());
    }
    System.out.print(Report.table("aDeadReplicaCostsNothing…: 60 loops (sign-in, 2 verifies) over A/B/C; replica :"
        + deadReplica.port() + " killed, then master :" + victim.port() + " (slots " + Slots.ranges(victimSlots) + ")",
        groups, run.seconds()));
    System.out.printf("replica killed at +%.1f s; master killed at +%.1f s; failover seen %.1f s after the kill; last failure on the "
        + "victim's slots %.1f s after promotion; cluster now %s%nfailures:%n%s%n",
        (replicaKilled - run.startNs()) / 1e9, (masterKilled - run.startNs()) / 1e9, promotedAfter, (lastFailure - promoted) / 1e9,
        cluster.describe(), Report.failures(phaseB, 12));
    if (phaseA.stream().anyMatch(o -> !o.ok())) {
      System.out.println("failures while only the replica was dead:\n" + Report.failures(phaseA, 12));
    }

    assertThat(failed(phaseA)).as("failed requests with a replica dead:%n%s",
        Report.failures(phaseA, 12)).isZero();
    assertThat(clear).as("requests on surviving masters' slots").isNotEmpty();
    assertThat(failed(clear)).as("failed requests whose keys all live on surviving masters:%n%s",
        Report.failures(clear, 12)).isZero();
    assertThat(failedOtherThan503(exposed))
        .as("failures on the dead master's slots other than 503 + Retry-After:%n%s", Report.failures(exposed, 12)).isZero();
    assertThat(exposedLate).as("requests on the victim's slots from promotion + 15 s").isNotEmpty();
    assertThat(failed(exposedLate))
        .as("failed requests on the victim's slots 15 s or more after the promotion:%n%s", Report.failures(exposedLate, 12))
        .isZero();
  }

  // ------------------------------------------------------------------------------------------
  // 6

  @Test
  @Order(6)
  void sentinelFailoverServesAgainWithinFiveSecondsOfPromotion() throws Exception {
    sentinels = RedisSentinels.start(work.resolve("sentinel"));
    String db = freshDatabase();
    Map<String, String> env = environment(pgUrl(db), "sentinel", sentinels.sentinelUrls(),
        Map.of("KORDON_REDIS_MASTER_NAME", RedisSentinels.MASTER_NAME));
    sentinelInstance = new Instance("s", work.resolve("instances"), env).start();
    sentinelInstance.awaitReady(Duration.ofSeconds(120));
    List<Acct> accts = IntStream.range(0, 20).mapToObj(i -> new Acct(String.format("+37533140%04d", i), "sentinel-" + i + "@org.by"))
        .toList();
    Accounts.importCsv(sentinelInstance, accts);
    Accounts.setPassword(jdbc(db), accts.stream().map(Acct::login).toList(), PASSWORD, HASH_MEMORY_KIB, HASH_ITERATIONS);

    List<Loop> loops = new ArrayList<>();
    for (int i = 0; i < accts.size(); i++) {
      loops.add(new Loops.SignInVerifyLoop("s", sentinelInstance.httpPort, accts.get(i).login(), PASSWORD, "127.90.0." + (i + 1),
          null, null));
    }
    LoadDriver.Run run = driver.start(loops);
    Procs.sleep(4_000);
    int oldMaster = sentinels.masterPort();
    long killed = sentinels.killMaster();
    long promoted = sentinels.awaitPromotion(Duration.ofSeconds(30));
    Procs.sleep(12_000);
    List<Outcome> outcomes = run.stop();
    long settle = promoted + Duration.ofSeconds(5).toNanos();

    List<Outcome> before = outcomes.stream().filter(o -> o.endNs() < killed).toList();
    List<Outcome> between = outcomes.stream().filter(o -> o.endNs() >= killed && o.startNs() < settle).toList();
    List<Outcome> late = outcomes.stream().filter(o -> o.startNs() >= settle).toList();
    long lastFailure = outcomes.stream().filter(o -> !o.ok()).mapToLong(Outcome::startNs).max().orElse(killed);
    Map<String, List<Outcome>> groups = new LinkedHashMap<>();
    groups.put("before the kill", before);
    groups.put("kill .. promotion + 5 s", between);
    groups.put("from promotion + 5 s", late);
    groups.putAll(Report.by(late, o -> "  .. " + o.call().kind()));
    System.out.print(Report.table("sentinelFailover…: 20 loops (sign-in, 2 verifies) on one instance in sentinel mode; master :"
        + oldMaster + " killed", groups, run.seconds()));
    System.out.printf("new master :%d announced %.2f s after the kill; sentinels now name %s; last failure %.2f s after the "
        + "announcement%nfailures:%n%s%n", sentinels.masterPort(), (promoted - killed) / 1e9, sentinels.announcedMasters(),
        (lastFailure - promoted) / 1e9, Report.failures(outcomes, 12));

    assertThat(failed(before)).as("failures before the kill:%n%s", Report.failures(before, 12))
        .isZero();
    assertThat(failedOtherThan503(outcomes))
        .as("failures other than 503 + Retry-After:%n%s", Report.failures(outcomes, 12)).isZero();
    assertThat(late.stream().filter(o -> o.call().kind().equals(Loops.SIGN_IN)).toList())
        .as("sign-ins from 5 s after the promotion").isNotEmpty();
    assertThat(failed(late))
        .as("failed requests 5 s or more after the new master was announced:%n%s", Report.failures(late, 12)).isZero();
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Every cluster instance ready (200 within 10 s) before a test begins. One that is not, left so
   * by an earlier test, gets a thread dump in its directory and is started again (all such at once),
   * so that each test answers for itself; the restart is printed.
   */
  static void ensureHealthy(String test) {
    List<Instance> stuck = inParallel(instances, i -> {
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      int status = i.alive() ? i.ready() : -1;
      while (i.alive() && status != 200 && System.nanoTime() < end) {
        Procs.sleep(200);
        status = i.ready();
      }
      if (status != 200) {
        System.out.printf("%n!! %s: %s not ready at the start (/health/ready %d); threads: %s; starting it again%n", test, i,
            status, i.alive() ? i.threadDump() : "(not running)");
      }
      return status != 200 ? i : null;
    }).stream().filter(java.util.Objects::nonNull).toList();
    for (Instance i : stuck) {
      if (i.alive()) {
        i.kill();
      }
      try {
        i.start();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    for (Instance i : stuck) {
      i.awaitReady(Duration.ofSeconds(120));
    }
  }

  /** {@code f} on every instance at once (one thread each); the results in the instances' order. */
  static <T> List<T> inParallel(List<Instance> list, java.util.function.Function<Instance, T> f) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(list.size());
    try {
      List<java.util.concurrent.Future<T>> futures = list.stream().map(i -> pool.submit(() -> f.apply(i))).toList();
      List<T> out = new ArrayList<>();
      for (java.util.concurrent.Future<T> fu : futures) {
        out.add(fu.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The environment of one instance: production mode, the shared stack, small Argon2, fast retries. */
  static Map<String, String> environment(String pgUrl, String redisMode, List<String> redisUrls, Map<String, String> extra) {
    byte[] admin = new byte[24];
    new SecureRandom().nextBytes(admin);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KORDON_HTTP_PORT", Integer.toString(Procs.freePort()));
    env.put("KORDON_ADMIN_PORT", Integer.toString(Procs.freePort()));
    env.put("KORDON_ADMIN_TOKEN", Base64.getUrlEncoder().withoutPadding().encodeToString(admin));
    env.put("KORDON_JWT_KEYS_DIR", keysDir.toString());
    env.put("KORDON_SECRETS_KEY", secretsKey);
    env.put("KORDON_PG_URL", pgUrl);
    env.put("KORDON_REDIS_MODE", redisMode);
    env.put("KORDON_REDIS_URL", String.join(",", redisUrls));
    env.put("KORDON_REDIS_COMMAND_TIMEOUT", "2s");
    env.put("KORDON_SMTP_HOST", "127.0.0.1");
    env.put("KORDON_SMTP_PORT", Integer.toString(smtp.port));
    env.put("KORDON_SMTP_STARTTLS", "disabled");
    env.put("KORDON_SMS_PROVIDER", "http");
    env.put("KORDON_SMS_HTTP_URL", sms.url());
    env.put("KORDON_COOKIE_SECURE", "false");
    env.put("KORDON_HTTP_TRUSTED_PROXIES", "127.0.0.1");
    env.put("KORDON_HTTP_DRAIN_DELAY", DRAIN_DELAY.toSeconds() + "s");
    env.put("KORDON_HTTP_SHUTDOWN_GRACE", SHUTDOWN_GRACE.toSeconds() + "s");
    env.put("KORDON_HASH_MEMORY_KIB", Integer.toString(HASH_MEMORY_KIB));
    env.put("KORDON_HASH_ITERATIONS", Integer.toString(HASH_ITERATIONS));
    // Three JVMs, six Redis nodes and the load share two cores, so a hash here takes many times its
    // real cost; these tests assert that no request is lost, which needs every burst sign-in admitted.
    env.put("KORDON_HASH_MAX_WAIT", "30s");
    // Throttles keyed by client address and login stay on, with room for the load these tests make;
    // the password path of one login is tightened so that its delay and lock show within seconds.
    env.put("KORDON_LOGIN_PER_IP", "1000000");
    env.put("KORDON_LOGIN_PER_ACCOUNT_IP", "1000000");
    env.put("KORDON_LOGIN_DELAY_AFTER", "3");
    env.put("KORDON_LOGIN_DELAY_BASE", "1s");
    env.put("KORDON_LOGIN_DELAY_MAX", "1s");
    env.put("KORDON_LOGIN_LOCK_AFTER", "6");
    env.put("KORDON_SENDING_PER_IP_HOUR", "1000000");
    env.put("KORDON_SENDING_SMS_PER_MINUTE", "1000000");
    env.put("KORDON_RECOVERY_PER_HOUR", "1000");
    env.put("KORDON_RECOVERY_PER_DAY", "1000");
    env.put("KORDON_DISPATCH_RETRY_BASE", "500ms");
    env.put("KORDON_DISPATCH_RETRY_MAX", "2s");
    env.put("KORDON_DISPATCH_SEND_TIMEOUT", "5s");
    env.put("KORDON_DISPATCH_CLAIM_AFTER", "10s");
    env.put("KORDON_DISPATCH_POLL", "200ms");
    env.putAll(extra);
    return env;
  }

  /**
   * The embedded Postgres binaries. Under failsafe they are on the class path twice (their own jar
   * and its copy in target/dev-lib, which the packaged kordon.jar names for dev mode): the same
   * archive, so the first one.
   */
  static java.io.InputStream postgresBinaries(String system, String hardware) throws java.io.IOException {
    String arch = hardware.toLowerCase(java.util.Locale.ROOT).replace("amd64", "x86_64");
    String name = "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + arch + ".txz";
    java.net.URL url = ScaleOutIT.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new java.io.FileNotFoundException(name + " on the class path");
    }
    return url.openStream();
  }

  static String freshDatabase() throws Exception {
    String name = "scale_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return name;
  }

  static String pgUrl(String db) {
    return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/" + db;
  }

  static String jdbc(String db) {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + db + "?user=postgres&password=postgres";
  }

  /** A PKCS#8 P-256 key, as {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256} writes it. */
  static void writeSigningKey(Path file) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(file, pem, StandardCharsets.US_ASCII);
  }

  /** {@code kordon_outbox_deliveries_total{kind="mail",outcome="sent"}} of each cluster instance (admin port). */
  static Map<String, Double> mailsSent() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Instance i : instances) {
      Http.Answer r = Http.get(i.adminBase() + "/metrics", null);
      double v = 0;
      for (String line : r.body().split("\n")) {
        if (line.startsWith("kordon_outbox_deliveries_total{") && line.contains("kind=\"mail\"") && line.contains("outcome=\"sent\"")) {
          v += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      out.put(i.name, v);
    }
    return out;
  }

  /** XLEN of the outbox stream, asked of the master that serves its slot. */
  static long outboxLength() {
    String key = "kordon:outbox";
    return (Long) Resp.once(cluster.masterOf(Slots.slotOf(key)), 2_000, "XLEN", key);
  }

  /** How many mails each account's address got; the temporary passwords in them join the leak scan. */
  static Map<String, Integer> mailsPerRecipient(List<Acct> accounts) {
    Map<String, Integer> perRecipient = new LinkedHashMap<>();
    for (Acct d : accounts) {
      List<Mailbox.Mail> got = Mailbox.to(smtp.server(), d.email());
      perRecipient.put(d.email(), got.size());
      got.forEach(mail -> {
        Matcher x = TEMP.matcher(mail.text());
        if (x.find()) {
          secret(x.group(1));
        }
      });
    }
    return perRecipient;
  }

  static long failed(List<Outcome> outcomes) {
    return outcomes.stream().filter(o -> !o.ok()).count();
  }

  static long failedOtherThan503(List<Outcome> outcomes) {
    return outcomes.stream().filter(o -> !o.ok() && !o.is503WithRetryAfter()).count();
  }

  static String secret(String value) {
    if (value != null && value.length() >= 6) {
      SECRETS.add(value);
    }
    return value;
  }

  /** The secrets issued to or used by these tests that appear in any instance's log. */
  static List<String> leaks() throws Exception {
    List<String> found = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    instances.forEach(i -> logs.addAll(i.logFiles()));
    if (sentinelInstance != null) {
      logs.addAll(sentinelInstance.logFiles());
    }
    for (Path log : logs) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      for (String s : SECRETS) {
        if (LogCapture.appears(text, s)) {
          found.add(log.getFileName() + ": a secret of " + s.length() + " chars");
        }
      }
    }
    return found;
  }

  interface Step {
    void run() throws Exception;
  }

  static void quietly(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      System.out.println("cleanup: " + e);
    }
  }
}
