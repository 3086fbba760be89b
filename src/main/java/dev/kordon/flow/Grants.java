package dev.kordon.flow;

import dev.kordon.token.AccountEpoch;
import dev.kordon.token.BrowserSessions;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import dev.kordon.token.VerifiedTokens;

/**
 * What a sign-in grants and what takes it back: tokens, refresh families, browser sessions, the
 * verified cache, the epoch.
 */
public record Grants(
        TokenService tokens,
        RefreshTokens refresh,
        BrowserSessions browser,
        VerifiedTokens verified,
        AccountEpoch epoch) {}
