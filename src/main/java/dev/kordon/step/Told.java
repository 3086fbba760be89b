package dev.kordon.step;

import dev.kordon.account.Account;
import dev.kordon.flow.Notices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** What the second step's changes tell: an audit event about the account, a letter to its organisation. */
final class Told {
    /** A letter built by the caller; building may fail, as a template can. */
    interface Letter {
        JsonObject build() throws Exception;
    }

    private Told() {}

    static void audit(Notices notices, String event, Account a, String ip, JsonObject detail) {
        notices.audit().record(event, a.id(), a.category(), a.login(), ip, detail);
    }

    /** The organisation is mailed; a letter that cannot be queued never fails what it tells of. */
    static Future<Void> mail(Notices notices, Letter letter) {
        try {
            return notices.outbox().enqueue(letter.build()).<Void>mapEmpty().recover(err -> Future.succeededFuture());
        } catch (Exception e) {
            return Future.succeededFuture();
        }
    }
}
