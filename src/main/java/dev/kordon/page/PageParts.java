package dev.kordon.page;

import dev.kordon.account.LoginParser;
import dev.kordon.guard.Secrets;
import dev.kordon.render.Templates;
import dev.kordon.step.StepFlows;
import dev.kordon.token.BrowserSessions;

/**
 * What the pages draw on besides the flows: the templates, the key of the CSRF tokens, the login
 * formats (and how a phone is shown), the browser sessions, the second step's flows.
 */
public record PageParts(
        Templates templates, Secrets secrets, LoginParser logins, BrowserSessions sessions, StepFlows steps) {}
