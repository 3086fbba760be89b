// A portal that knows nothing of Kordon but OpenID Connect: openid-client as its README shows it,
// behind a small HTTP server of its own. OpenidClientRpTest runs it and plays the person's browser.
//
//   RP_CLIENT_SECRET=... node rp.mjs ISSUER CLIENT_ID PORT
//
// The portal listens on http://127.0.0.1:PORT:
//   GET /login           a new authorization (state, nonce, PKCE): 302 to Kordon; /login?prompt=none
//                        asks Kordon without showing any page
//   GET /cb              the redirect URI: trades the code, validates the ID token, reads userinfo
//   GET /logout          302 to Kordon's end_session_endpoint, with the ID token as the hint
//   GET /signed-out      the post-logout redirect URI
//   POST /backchannel    the back-channel logout URI: a logout token, verified with jose
// and reads commands on stdin, one a line: "refresh" (a refresh token grant, then userinfo with the
// new access token) and "exit".
//
// stdout, one JSON object a line, each with its "event": ready, authorize, signed_in, refreshed,
// logout, signed_out, backchannel (whenever Kordon's outbox delivers it); a failed step has "ok": false and the error's name, code and OAuth error.
// Tokens and the secret are never printed: only booleans and claims.
import { webcrypto } from 'node:crypto';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

// openid-client needs WebCrypto as a global; Debian's Node 18 has it only behind a flag.
if (!globalThis.crypto) {
  globalThis.crypto = webcrypto;
}
const client = await import('openid-client');
const jose = await import('jose');

const BACKCHANNEL_LOGOUT = 'http://schemas.openid.net/event/backchannel-logout';

function print(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function describe(err) {
  // The OAuth error of a callback, a token or a userinfo answer (RFC 6749 sections 4.1.2.1, 5.2).
  const out = {
    name: err?.name,
    code: err?.code,
    message: err?.message,
    error: err?.error,
    error_description: err?.error_description,
    status: err?.status,
  };
  const c = err?.cause;
  if (c && typeof c === 'object' && !(c instanceof URLSearchParams)) {
    // The claim a check refused, or the body of an error answer.
    out.cause = { error: c.error, status: c.status, claim: c.claim, message: c.message };
  }
  return out;
}

function page(res, status, title) {
  const body = `<!doctype html><title>${title}</title><h1>${title}</h1>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function redirect(res, url) {
  res.writeHead(302, { Location: url.href, 'Cache-Control': 'no-store' });
  res.end();
}

const [issuer, clientId, port] = process.argv.slice(2);
const secret = process.env.RP_CLIENT_SECRET;
if (!issuer || !clientId || !port || !secret) {
  throw new Error('usage: RP_CLIENT_SECRET=... node rp.mjs ISSUER CLIENT_ID PORT');
}
const base = `http://127.0.0.1:${port}`;
const redirectUri = `${base}/cb`;
const signedOutUri = `${base}/signed-out`;

// Discovery: the metadata's issuer must equal ISSUER exactly, or the library stops here. Plain
// HTTP is allowed for the test's loopback only. The library takes an ID token from the token
// endpoint on the strength of TLS alone; non-repudiation checks make it verify the signature
// against jwks_uri too, as relying parties that keep ID tokens do.
let config;
try {
  config = await client.discovery(
    new URL(issuer),
    clientId,
    secret,
    client.ClientSecretBasic(secret),
    { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
  );
} catch (err) {
  print({ event: 'ready', ok: false, error: describe(err) });
  process.exit(1);
}

// One person at a time: the pending authorization, then the tokens it gave.
let pending = null;
let tokens = null;
let idToken = null;
let sub = null;
let sid = null;
let logoutState = null;

async function authorize(res, prompt) {
  pending = {
    verifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
  };
  const params = {
    redirect_uri: redirectUri,
    scope: 'openid phone',
    code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  };
  if (prompt) {
    params.prompt = prompt;
  }
  const url = client.buildAuthorizationUrl(config, params);
  print({ event: 'authorize', authorization_url: url.href });
  redirect(res, url);
}

async function callback(res, url) {
  const expected = pending;
  pending = null;
  try {
    // Checks state and iss of the callback, sends the verifier, and validates the ID token: its
    // RS256 signature against the JWKS, iss, aud, azp, exp, iat, auth_time and nonce. An error
    // answer (login_required to prompt=none) is thrown as what it is.
    const got = await client.authorizationCodeGrant(config, url, {
      pkceCodeVerifier: expected.verifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    const claims = got.claims();
    const userinfo = await client.fetchUserInfo(config, got.access_token, claims.sub);
    tokens = got;
    idToken = got.id_token;
    sub = claims.sub;
    sid = claims.sid;
    print({
      event: 'signed_in',
      ok: true,
      server_issuer: config.serverMetadata().issuer,
      token_type: got.token_type,
      refresh_token_issued: typeof got.refresh_token === 'string',
      id_token: {
        iss: claims.iss,
        sub: claims.sub,
        aud: claims.aud,
        nonce_matched: claims.nonce === expected.nonce,
        amr: claims.amr,
        sid_present: typeof claims.sid === 'string',
        phone_number: claims.phone_number,
      },
      userinfo: { sub: userinfo.sub, phone_number: userinfo.phone_number },
    });
    page(res, 200, 'Portal');
  } catch (err) {
    print({ event: 'signed_in', ok: false, error: describe(err) });
    page(res, 400, 'Portal: not signed in');
  }
}

async function refresh() {
  try {
    const next = await client.refreshTokenGrant(config, tokens.refresh_token);
    const userinfo = await client.fetchUserInfo(config, next.access_token, sub);
    print({
      event: 'refreshed',
      ok: true,
      new_access_token: !!next.access_token && next.access_token !== tokens.access_token,
      new_refresh_token: !!next.refresh_token && next.refresh_token !== tokens.refresh_token,
      userinfo_sub: userinfo.sub,
    });
    tokens = next;
  } catch (err) {
    print({ event: 'refreshed', ok: false, error: describe(err) });
  }
}

function logout(res) {
  logoutState = client.randomState();
  const url = client.buildEndSessionUrl(config, {
    id_token_hint: idToken,
    post_logout_redirect_uri: signedOutUri,
    state: logoutState,
  });
  print({ event: 'logout', end_session_endpoint: url.origin + url.pathname, hint_sent: !!idToken });
  redirect(res, url);
}

function signedOut(res, url) {
  print({
    event: 'signed_out',
    state_matched: logoutState !== null && url.searchParams.get('state') === logoutState,
  });
  page(res, 200, 'Portal: signed out');
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

// The JWKS of discovery, fetched (and refetched for an unknown kid) by jose itself.
let jwks = null;

// OpenID Connect Back-Channel Logout 1.0 section 2.6: the logout token's signature against the
// provider's keys, its iss and aud, iat; events holding the back-channel logout member; sub or sid;
// no nonce. A token that fails is answered 400, as the spec says.
async function backchannel(req, res) {
  const form = await readForm(req);
  const token = form.get('logout_token');
  try {
    if (!token) {
      throw new Error('no logout_token in the form');
    }
    jwks ??= jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
    const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
      issuer: config.serverMetadata().issuer,
      audience: clientId,
      requiredClaims: ['iat', 'jti'],
    });
    const events = payload.events;
    const eventOk =
      !!events && typeof events === 'object' && typeof events[BACKCHANNEL_LOGOUT] === 'object';
    const subOrSid = typeof payload.sub === 'string' || typeof payload.sid === 'string';
    const noNonce = !('nonce' in payload);
    const ok = eventOk && subOrSid && noNonce;
    print({
      event: 'backchannel',
      ok,
      alg: protectedHeader.alg,
      typ: protectedHeader.typ,
      content_type: req.headers['content-type'],
      claims: {
        iss: payload.iss,
        aud: payload.aud,
        sub: payload.sub,
        sub_matched: payload.sub === sub,
        sid_present: typeof payload.sid === 'string',
        sid_matched: typeof payload.sid === 'string' && payload.sid === sid,
        events_ok: eventOk,
        nonce_absent: noNonce,
      },
    });
    res.writeHead(ok ? 200 : 400, { 'Cache-Control': 'no-store' });
    res.end();
  } catch (err) {
    print({ event: 'backchannel', ok: false, error: describe(err) });
    res.writeHead(400, { 'Cache-Control': 'no-store' });
    res.end();
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url, base);
  const route = `${req.method} ${url.pathname}`;
  const handled = (() => {
    switch (route) {
      case 'GET /login':
        return authorize(res, url.searchParams.get('prompt'));
      case 'GET /cb':
        return callback(res, url);
      case 'GET /logout':
        return logout(res);
      case 'GET /signed-out':
        return signedOut(res, url);
      case 'POST /backchannel':
        return backchannel(req, res);
      default:
        return page(res, 404, 'Not here');
    }
  })();
  Promise.resolve(handled).catch((err) => {
    print({ event: 'failed', ok: false, route, error: describe(err) });
    if (!res.headersSent) {
      page(res, 500, 'Portal: failed');
    }
  });
});

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const command = line.trim();
  if (command === 'refresh') {
    refresh();
  } else if (command === 'exit') {
    server.close();
    process.exit(0);
  } else if (command) {
    print({ event: 'unknown', ok: false, command });
  }
});
commands.on('close', () => process.exit(0));

server.listen(Number(port), '127.0.0.1', () => print({ event: 'ready', ok: true, portal: base }));
