package dev.kordon.store;

/**
 * Every Lua script of {@code src/main/resources/lua}, each read and hashed once for the process:
 * a second copy would be a second SHA to keep in step. Which keys each one takes is in its header.
 */
public final class Scripts {
    public static final LuaScript ACK_DELETE = LuaScript.load("ack_delete.lua");
    public static final LuaScript EPOCH_RAISE = LuaScript.load("epoch_raise.lua");
    public static final LuaScript LOGIN_GATE = LuaScript.load("login_gate.lua");
    public static final LuaScript LOGIN_SETTLE = LuaScript.load("login_settle.lua");
    /** An OpenID Connect authorization code spent once; its spent marker answers a replay. */
    public static final LuaScript OIDC_CODE_TAKE = LuaScript.load("oidc_code_take.lua");

    public static final LuaScript OUTBOX_BACKLOG = LuaScript.load("outbox_backlog.lua");
    /** The outbox and the dead letters: an entry replaced by its copy sealed under the newest key. */
    public static final LuaScript RESEAL = LuaScript.load("reseal.lua");

    public static final LuaScript REFRESH_ISSUE = LuaScript.load("refresh_issue.lua");
    /** Builds family keys itself, from {@link Keys#familyPrefix} passed as ARGV[1]. */
    public static final LuaScript REFRESH_ROTATE = LuaScript.load("refresh_rotate.lua");
    /** Builds family keys itself, from {@link Keys#familyPrefix} passed as ARGV[1]. */
    public static final LuaScript REVOKE_ALL = LuaScript.load("revoke_all.lua");

    /** A reserved SMS code's place given its code, once the check before it let it go out. */
    public static final LuaScript SMS_ARM = LuaScript.load("sms_arm.lua");

    public static final LuaScript SMS_CHECK = LuaScript.load("sms_check.lua");
    public static final LuaScript SMS_ISSUE = LuaScript.load("sms_issue.lua");
    public static final LuaScript SMS_WITHDRAW = LuaScript.load("sms_withdraw.lua");
    /** Temporary passwords and change tokens: a value spent once, only while it is the expected one. */
    public static final LuaScript TAKE_IF_EQUAL = LuaScript.load("take_if_equal.lua");

    public static final LuaScript STEP_TRY = LuaScript.load("step_try.lua");

    public static final LuaScript WINDOW_HIT = LuaScript.load("window_hit.lua");
    public static final LuaScript WINDOW_PEEK = LuaScript.load("window_peek.lua");
    public static final LuaScript WINDOW_GIVE_BACK = LuaScript.load("window_give_back.lua");

    private Scripts() {}
}
