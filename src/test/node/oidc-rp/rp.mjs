// A relying party that knows nothing of Kordon but OpenID Connect: openid-client as its README shows
// it. OpenidClientRpTest runs it and plays the browser.
//
//   RP_CLIENT_SECRET=... node rp.mjs ISSUER CLIENT_ID REDIRECT_URI
//
// stdout, one JSON object a line: {"authorization_url": ...}; then, after the callback URL came in
// on stdin as one line, {"ok": true, ...} with what the library checked and read. Any failure:
// {"ok": false, "error": ...} and exit code 1. Tokens and the secret are never printed.
import { webcrypto } from 'node:crypto';
import { createInterface } from 'node:readline';

// openid-client needs WebCrypto as a global; Debian's Node 18 has it only behind a flag.
if (!globalThis.crypto) {
  globalThis.crypto = webcrypto;
}
const client = await import('openid-client');

const CALLBACK_WAIT_MS = 120_000;

function print(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function describe(err) {
  const out = { name: err?.name, code: err?.code, message: err?.message };
  const c = err?.cause;
  if (c && typeof c === 'object') {
    // A token or userinfo error body (RFC 6749 section 5.2), or the claim a check refused.
    out.cause = {
      error: c.error,
      error_description: c.error_description,
      status: c.status,
      claim: c.claim,
      message: c.message,
    };
  }
  return out;
}

function readLine(ms) {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin });
    const timer = setTimeout(() => {
      reject(new Error(`no callback URL on stdin within ${ms} ms`));
      rl.close();
    }, ms);
    // Settled first, closed after: close() emits 'close' at once, and the first settling wins.
    rl.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
      rl.close();
    });
    rl.once('close', () => {
      clearTimeout(timer);
      reject(new Error('stdin closed before the callback URL'));
    });
  });
}

async function main() {
  const [issuer, clientId, redirectUri] = process.argv.slice(2);
  const secret = process.env.RP_CLIENT_SECRET;
  if (!issuer || !clientId || !redirectUri || !secret) {
    throw new Error('usage: RP_CLIENT_SECRET=... node rp.mjs ISSUER CLIENT_ID REDIRECT_URI');
  }

  // Discovery: the metadata's issuer must equal ISSUER exactly, or the library stops here. Plain
  // HTTP is allowed for the test's loopback only. The library takes an ID token from the token
  // endpoint on the strength of TLS alone; non-repudiation checks make it verify the signature
  // against jwks_uri too, as relying parties that keep ID tokens do.
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    secret,
    client.ClientSecretBasic(secret),
    { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
  );

  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid phone',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  print({ authorization_url: url.href });

  const callback = new URL(await readLine(CALLBACK_WAIT_MS));
  // Checks state and iss of the callback, sends the verifier, and validates the ID token: its RS256
  // signature against the JWKS, iss, aud, azp, exp, iat, auth_time and nonce.
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const afterRefresh = await client.fetchUserInfo(config, refreshed.access_token, claims.sub);

  print({
    ok: true,
    server_issuer: config.serverMetadata().issuer,
    token_type: tokens.token_type,
    id_token: {
      iss: claims.iss,
      sub: claims.sub,
      aud: claims.aud,
      nonce_matched: claims.nonce === nonce,
      amr: claims.amr,
      phone_number: claims.phone_number,
    },
    userinfo: { sub: userinfo.sub, phone_number: userinfo.phone_number },
    refresh: {
      new_access_token: !!refreshed.access_token && refreshed.access_token !== tokens.access_token,
      new_refresh_token: !!refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token,
      userinfo_sub: afterRefresh.sub,
    },
  });
}

try {
  await main();
  process.exit(0);
} catch (err) {
  print({ ok: false, error: describe(err) });
  process.exit(1);
}
