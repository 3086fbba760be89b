package dev.kordon.operator;

import dev.kordon.account.AccountFields;
import dev.kordon.audit.Audit;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The named operators as the holder of the admin token manages them (admin API, command line):
 * added with a temporary password answered once and changed at the first sign-in, described,
 * disabled (their console sessions end at their next request), enabled, reset (a new temporary
 * password and the second step enrolled again), deleted. Every change is audited, naming the operator.
 */
public final class OperatorAdmin {
    /** Lower-case letters, digits, dot, dash, underscore; 2 to 64, starting with a letter or digit. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    /** The break-glass token's name in the audit, so no operator may be called so. */
    public static final String TOKEN = "token";

    static final int DISPLAY_MAX = 200;
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    private static final int TEMP_CHARS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An operator and, only in the answer that made it, the temporary password. */
    public record Saved(Operators.Operator operator, boolean created, String temporaryPassword) {}

    private final Operators operators;
    private final Function<String, Future<String>> hash;
    private final Audit audit;

    /** {@code hash}: a password to its Argon2id hash, off the event loop (the credential verticle's pool). */
    public OperatorAdmin(Operators operators, Function<String, Future<String>> hash, Audit audit) {
        this.operators = operators;
        this.hash = hash;
        this.audit = audit;
    }

    public Operators store() {
        return operators;
    }

    /** Adds the operator (201, with a temporary password) or changes whom it names (200). */
    public Future<Saved> save(String name, String displayName, String email, String ip) {
        Map<String, Text> errors = new LinkedHashMap<>();
        if (!validName(name)) {
            errors.put("name", Text.of("field.operator-name"));
        }
        if (displayName == null || displayName.isBlank()) {
            errors.put("display_name", Text.of("field.required"));
        } else if (displayName.length() > DISPLAY_MAX) {
            errors.put("display_name", Text.of("field.too-long", DISPLAY_MAX));
        }
        Text badEmail = AccountFields.email(email);
        if (badEmail != null) {
            errors.put("email", badEmail);
        }
        if (!errors.isEmpty()) {
            return Future.failedFuture(FlowException.invalid(errors));
        }
        String shown = displayName.strip();
        return operators.describe(name, shown, email).compose(known -> {
            if (known) {
                audit.record(
                        Audit.OPERATOR_SAVED, null, null, null, ip, about(name).put("created", false));
                return operators.find(name).map(o -> new Saved(o, false, null));
            }
            String temporary = temporaryPassword();
            return hash.apply(temporary)
                    .compose(h -> operators.create(name, shown, email, h))
                    .compose(created -> {
                        if (!created) {
                            // Another request added it meanwhile: this one describes it.
                            return save(name, displayName, email, ip);
                        }
                        audit.record(
                                Audit.OPERATOR_SAVED,
                                null,
                                null,
                                null,
                                ip,
                                about(name).put("created", true));
                        return operators.find(name).map(o -> new Saved(o, true, temporary));
                    });
        });
    }

    public Future<Operators.Operator> show(String name) {
        return operators.find(name).compose(OperatorAdmin::found);
    }

    public Future<List<Operators.Operator>> list() {
        return operators.list();
    }

    /** Disabled or enabled again; a disabled operator's console sessions end at their next request. */
    public Future<Void> setDisabled(String name, boolean disabled, String ip) {
        return operators.setDisabled(name, disabled).compose(done -> {
            if (!done) {
                return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
            }
            audit.record(
                    disabled ? Audit.OPERATOR_DISABLED : Audit.OPERATOR_ENABLED, null, null, null, ip, about(name));
            return Future.succeededFuture();
        });
    }

    /** A new temporary password (answered once) and the second step forgotten: the operator starts over. */
    public Future<Saved> reset(String name, String ip) {
        String temporary = temporaryPassword();
        return show(name)
                .compose(o -> hash.apply(temporary)
                        .compose(h -> operators.setPassword(o.id(), h, true))
                        .compose(v -> operators.resetSecondStep(o.id()))
                        .compose(v -> {
                            audit.record(Audit.OPERATOR_RESET, null, null, null, ip, about(name));
                            return operators.find(name).map(again -> new Saved(again, false, temporary));
                        }));
    }

    public Future<Void> delete(String name, String ip) {
        return operators.delete(name).compose(done -> {
            if (!done) {
                return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
            }
            audit.record(Audit.OPERATOR_DELETED, null, null, null, ip, about(name));
            return Future.succeededFuture();
        });
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !TOKEN.equals(name);
    }

    static JsonObject about(String name) {
        return new JsonObject().put("operator", name);
    }

    private static Future<Operators.Operator> found(Operators.Operator o) {
        return o == null ? Future.failedFuture(new FlowException(Failure.NOT_FOUND)) : Future.succeededFuture(o);
    }

    /** 20 characters of 56 without look-alikes: 116 random bits, read off a screen and typed once. */
    static String temporaryPassword() {
        StringBuilder sb = new StringBuilder(TEMP_CHARS);
        for (int i = 0; i < TEMP_CHARS; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
