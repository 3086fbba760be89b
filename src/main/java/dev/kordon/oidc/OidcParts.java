package dev.kordon.oidc;

import dev.kordon.account.AccountRepository;
import dev.kordon.audit.Audit;
import dev.kordon.client.ClientRegistry;
import dev.kordon.flow.SessionFlow;
import dev.kordon.flow.SignIn;
import dev.kordon.keys.IdTokens;
import dev.kordon.oauth.AuthorizationCodes;
import dev.kordon.store.RedisStore;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import java.time.Duration;

/**
 * What the /oauth2/ endpoints stand on, built once in the composition root.
 *
 * @param issuer {@code jwt.issuer}, the {@code iss} of every ID token and the base of the endpoints
 * @param familyLifetime {@code tokens.refresh-absolute}: how long a client's hold on a family lasts
 * @param audit where a sign-out is recorded
 */
public record OidcParts(
        String issuer,
        ClientRegistry clients,
        AuthorizationCodes codes,
        IdTokens idTokens,
        AccountRepository accounts,
        SignIn signIn,
        SessionFlow sessions,
        TokenService tokens,
        RefreshTokens refresh,
        RedisStore redis,
        Duration familyLifetime,
        Audit audit) {}
