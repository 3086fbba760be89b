package dev.kordon;

import dev.kordon.flow.SessionFlow;
import dev.kordon.guard.SmsCodes;
import dev.kordon.ops.Metrics;
import dev.kordon.simswap.SwapEvents;

/** The SIM swap events' part of the object graph, beside {@link Wiring}, from what it built. */
final class SwapWiring {
    private SwapWiring() {}

    static SwapEvents events(Wiring w, SmsCodes codes, SessionFlow sessions, Metrics metrics) {
        return new SwapEvents(
                new SwapEvents.Parts(
                        w.phones(),
                        w.config().phoneCategories(),
                        w.accounts(),
                        codes,
                        w.redis(),
                        w.secrets(),
                        w.config().simSwap().maxAge()),
                new SwapEvents.Told(w.audit(), w.notices().outbox(), w.notices().letters(), metrics),
                // As a disable ends them: families, the epoch (announced to every instance), browser sessions.
                account -> sessions.endAll(account)
                        .compose(v -> w.browserSessions().endAll(account)));
    }
}
