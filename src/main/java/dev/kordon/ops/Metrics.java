package dev.kordon.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.logging.Logger;

/**
 * Prometheus metrics ({@code GET /metrics}): Vert.x's own (HTTP server, pools, event bus), the
 * JVM's, and Kordon's: security events by name, sign-ins shed by the credential pool, outbox
 * deliveries by kind and outcome. One instance per Kordon, made by whoever makes its Vert.x and
 * handed to what counts.
 */
public final class Metrics {
  /**
   * Vert.x registers each of its shared gauges again for every client and handler, on purpose:
   * all registrations feed one counter per meter id. Micrometer warns about the first repeat as
   * if a value were lost; none is, so that one message is dropped. Held here so the filter stays.
   */
  private static final Logger REGISTRY_LOG = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  static {
    REGISTRY_LOG.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("This Gauge has been already registered"));
  }

  private final PrometheusMeterRegistry registry;
  private final Counter shed;

  /** Kordon's and the JVM's meters in a fresh registry; {@link #newVertx} adds Vert.x's own. */
  public Metrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    this.shed = Counter.builder("kordon_credential_shed").description("sign-ins refused with 503: hash queue full")
        .register(registry);
  }

  /** A Vert.x instance that reports into this registry. */
  public Vertx newVertx(VertxOptions options) {
    return Vertx.builder()
        .with(options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  public Handler<RoutingContext> scrapeHandler() {
    return PrometheusScrapingHandler.create(registry);
  }

  public void securityEvent(String event) {
    registry.counter("kordon_security_events", "event", event).increment();
  }

  public void shed() {
    shed.increment();
  }

  public void delivery(String kind, String outcome) {
    registry.counter("kordon_outbox_deliveries", "kind", kind, "outcome", outcome).increment();
  }
}
