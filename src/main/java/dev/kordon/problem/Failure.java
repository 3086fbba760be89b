package dev.kordon.problem;

/**
 * Why a flow refused a request: the contract's error codes, with the HTTP status each maps to.
 * Refusals only HTTP can cause (a wrong method, body size or media type) are the web layer's own.
 */
public enum Failure {
    INVALID_REQUEST(400),
    PASSWORD_MISMATCH(400),
    WEAK_PASSWORD(400),
    INVALID_CREDENTIALS(401),
    INVALID_GRANT(401),
    UNAUTHORIZED(401),
    NOT_FOUND(404),
    TOO_MANY_REQUESTS(429),
    INTERNAL(500),
    BAD_GATEWAY(502),
    OVERLOADED(503),
    UNAVAILABLE(503),
    GATEWAY_TIMEOUT(504);

    public final int status;

    Failure(int status) {
        this.status = status;
    }

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Failure ofStatus(int status) {
        if (status == 401) {
            return UNAUTHORIZED;
        }
        if (status == 503) {
            return UNAVAILABLE;
        }
        for (Failure f : values()) {
            if (f.status == status) {
                return f;
            }
        }
        return status >= 500 ? INTERNAL : INVALID_REQUEST;
    }
}
