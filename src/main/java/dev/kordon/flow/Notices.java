package dev.kordon.flow;

import dev.kordon.audit.Audit;
import dev.kordon.dispatch.Letters;
import dev.kordon.dispatch.Outbox;

/** Where a flow's news goes: events to the audit trail, letters to people through the outbox. */
public record Notices(Audit audit, Outbox outbox, Letters letters) {}
