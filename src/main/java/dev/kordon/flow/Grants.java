package dev.kordon.flow;

import dev.kordon.client.Backchannel;
import dev.kordon.token.AccountEpoch;
import dev.kordon.token.BrowserSessions;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import dev.kordon.token.VerifiedTokens;

/**
 * What a sign-in grants and what takes it back: tokens, refresh families, browser sessions, the
 * verified cache, the epoch, and the OpenID Connect clients to tell when a sign-in ends.
 */
public record Grants(
        TokenService tokens,
        RefreshTokens refresh,
        BrowserSessions browser,
        VerifiedTokens verified,
        AccountEpoch epoch,
        Backchannel backchannel) {}
