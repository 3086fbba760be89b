package dev.kordon.web;

import dev.kordon.flow.FlowException;
import dev.kordon.flow.Text;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every API request is checked against openapi.yaml (vertx-openapi) before a flow sees it: JSON
 * types and outer bounds. A value of the wrong type becomes that field's error; a body that is no
 * JSON object is "malformed". The seed's own messages (required field, phone format) stay with
 * the flows, which know them.
 */
public final class ApiValidation {
  private final OpenAPIContract contract;
  private final RequestValidator validator;

  public ApiValidation(Vertx vertx, OpenAPIContract contract) {
    this.contract = contract;
    this.validator = RequestValidator.create(vertx, contract);
  }

  public void handle(RoutingContext ctx) {
    Operation op = contract.findOperation(ctx.normalizedPath(), ctx.request().method());
    if (op == null || op.getRequestBody() == null || op.getRequestBody().getContent().get("application/json") == null) {
      ctx.next();
      return;
    }
    // Path values as the router decoded them: a "+375…" login keeps its plus.
    Map<String, RequestParameter> path = new HashMap<>();
    String[] template = op.getAbsoluteOpenAPIPath().split("/");
    String[] actual = ctx.normalizedPath().split("/");
    for (Parameter p : op.getParameters()) {
      if (p.getIn() == Location.PATH) {
        for (int i = 0; i < template.length && i < actual.length; i++) {
          if (template[i].equals("{" + p.getName() + "}")) {
            path.put(p.getName(), new RequestParameterImpl(
                URLDecoder.decode(actual[i].replace("+", "%2B"), StandardCharsets.UTF_8)));
          }
        }
      }
    }
    Buffer body = ctx.body().buffer();
    ValidatableRequest req = new ValidatableRequestImpl(Map.of(), Map.of(), path, Map.of(),
        new RequestParameterImpl(body == null ? Buffer.buffer() : body), ctx.request().getHeader("Content-Type"));
    validator.validate(req, op.getOperationId())
        .onSuccess(v -> ctx.next())
        .onFailure(err -> ctx.fail(refusal(err)));
  }

  private static FlowException refusal(Throwable err) {
    if (err instanceof SchemaValidationException sve && sve.getOutputUnit() != null) {
      Map<String, Text> fields = new LinkedHashMap<>();
      collect(sve.getOutputUnit(), fields);
      if (!fields.isEmpty()) {
        return FlowException.invalid(fields);
      }
    }
    return new JsonBody.MalformedBody();
  }

  /** "#/login" → login: the first segment of each failing instance location names the field. */
  private static void collect(OutputUnit unit, Map<String, Text> fields) {
    String at = unit.getInstanceLocation();
    if (at != null && at.startsWith("#")) {
      at = at.substring(1);
    }
    if (at != null && at.startsWith("/") && at.length() > 1) {
      String field = at.substring(1).split("/")[0];
      if (field.matches("[a-z_]{1,40}")) {
        fields.putIfAbsent(field, Text.of("field.type"));
      }
    }
    if (unit.getErrors() != null) {
      for (OutputUnit inner : unit.getErrors()) {
        collect(inner, fields);
      }
    }
  }
}
