// Accounts over HTTP: sign-up, SRP login, the failure limit, token expiry, logout, made-up
// attributes for unknown emails, and recovery with the recovery key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, recover, signup, startTestServer, testClock, unb64, core } from './helpers.mjs';

const clock = testClock();
const WINDOW_MS = 60_000;
const TTL_SECONDS = 3600;
let server;
before(async () => {
  server = await startTestServer({ now: clock.now, authFailureWindowMs: WINDOW_MS, tokenTtlSeconds: TTL_SECONDS });
});
after(() => server?.close());

test('sign up, log in with SRP, use the token, log out', async () => {
  const alice = await signup(server.url, 'Alice@Example.org', 'correct horse');
  assert.equal((await api(server.url, 'POST', '/api/users', { body: alice.signupBody })).status, 409);

  const session = await login(server.url, 'alice@example.org', 'correct horse');
  assert.equal(session.status, 200);
  assert.equal(session.json.email, 'alice@example.org');
  assert.deepEqual(session.masterKey, alice.masterKey);

  const me = await api(server.url, 'GET', '/api/users/me', { token: session.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.id, alice.id);
  assert.deepEqual(me.json.keyAttributes, alice.keyAttributes);

  assert.equal((await api(server.url, 'POST', '/api/logout', { token: session.token })).status, 204);
  assert.equal((await api(server.url, 'GET', '/api/users/me', { token: session.token })).status, 401);
});

test('the token is sealed to the account key: only its secret key opens it', async () => {
  const bob = await signup(server.url, 'bob@example.org', 'pw-bob');
  const session = await login(server.url, bob.email, 'pw-bob');
  const other = core.box.keypair();
  assert.throws(() => core.box.sealOpen(unb64(session.json.encryptedToken), other.publicKey, other.secretKey));
});

test('wrong password 401; the 6th attempt 429 even with the right one; ok once the window passes', async () => {
  await signup(server.url, 'carol@example.org', 'right');
  for (let i = 0; i < 5; i++) {
    const res = await login(server.url, 'carol@example.org', `wrong ${i}`);
    assert.equal(res.status, 401);
    assert.equal(res.json.error, 'unauthorized');
  }
  const limited = await login(server.url, 'carol@example.org', 'right');
  assert.equal(limited.status, 429);
  assert.equal(limited.json.error, 'rate_limited');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  // Another account is not affected.
  await signup(server.url, 'dave@example.org', 'dave');
  assert.equal((await login(server.url, 'dave@example.org', 'dave')).status, 200);

  clock.advance(WINDOW_MS + 1);
  assert.equal((await login(server.url, 'carol@example.org', 'right')).status, 200);
});

test('tokens expire', async () => {
  await signup(server.url, 'erin@example.org', 'erin');
  const { token } = await login(server.url, 'erin@example.org', 'erin');
  assert.equal((await api(server.url, 'GET', '/api/users/me', { token })).status, 200);
  clock.advance(TTL_SECONDS * 1000 + 1);
  const expired = await api(server.url, 'GET', '/api/users/me', { token });
  assert.equal(expired.status, 401);
  assert.equal(expired.json.error, 'unauthorized');
});

test('SRP sessions work once', async () => {
  await signup(server.url, 'fay@example.org', 'fay');
  // Replay the verify call of a successful login: the session is gone.
  const attrs = (await api(server.url, 'POST', '/api/srp/attributes', { body: { email: 'fay@example.org' } })).json;
  const res = await api(server.url, 'POST', '/api/srp/session', {
    body: { srpUserID: attrs.srpUserID, srpA: Buffer.alloc(512, 7).toString('base64') },
  });
  assert.equal(res.status, 200);
  const verify = { sessionID: res.json.sessionID, srpM1: Buffer.alloc(32).toString('base64') };
  assert.equal((await api(server.url, 'POST', '/api/srp/verify', { body: verify })).status, 401);
  const again = await api(server.url, 'POST', '/api/srp/verify', { body: verify });
  assert.equal(again.status, 401);
  assert.match(again.json.message, /session/);
});

test('SRP sessions expire', async () => {
  await signup(server.url, 'gus@example.org', 'gus');
  const attrs = (await api(server.url, 'POST', '/api/srp/attributes', { body: { email: 'gus@example.org' } })).json;
  const res = await api(server.url, 'POST', '/api/srp/session', {
    body: { srpUserID: attrs.srpUserID, srpA: Buffer.alloc(512, 7).toString('base64') },
  });
  clock.advance(5 * 60 * 1000 + 1);
  const late = await api(server.url, 'POST', '/api/srp/verify', {
    body: { sessionID: res.json.sessionID, srpM1: Buffer.alloc(32).toString('base64') },
  });
  assert.equal(late.status, 401);
  assert.match(late.json.message, /expired/);
});

test('an unknown email gets stable made-up attributes of the same shape', async () => {
  const known = (await api(server.url, 'POST', '/api/srp/attributes', { body: { email: 'alice@example.org' } })).json;
  const a = await api(server.url, 'POST', '/api/srp/attributes', { body: { email: 'nobody@example.org' } });
  const b = await api(server.url, 'POST', '/api/srp/attributes', { body: { email: 'NOBODY@example.org ' } });
  const c = await api(server.url, 'POST', '/api/srp/attributes', { body: { email: 'someone@example.org' } });
  assert.equal(a.status, 200);
  assert.deepEqual(a.json, b.json);
  assert.notDeepEqual(a.json, c.json);
  assert.deepEqual(Object.keys(a.json).sort(), Object.keys(known).sort());
  assert.match(a.json.srpUserID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(unb64(a.json.srpSalt).length, 16);
  assert.equal(unb64(a.json.kekSalt).length, 16);
  // Its login runs to the end and fails like a wrong password.
  const res = await login(server.url, 'nobody@example.org', 'whatever');
  assert.equal(res.status, 401);
});

test('recovery: the recovery key sets a new password; the old one stops working', async () => {
  const gina = await signup(server.url, 'gina@example.org', 'old password');
  const before = await login(server.url, gina.email, 'old password');
  assert.equal(before.status, 200);

  const done = await recover(server.url, gina.email, gina.recoveryKey, 'new password');
  assert.equal(done.status, 200);
  assert.equal((await api(server.url, 'GET', '/api/users/me', { token: done.token })).status, 200);
  // Sessions from before the recovery end.
  assert.equal((await api(server.url, 'GET', '/api/users/me', { token: before.token })).status, 401);

  assert.equal((await login(server.url, gina.email, 'old password')).status, 401);
  const after = await login(server.url, gina.email, 'new password');
  assert.equal(after.status, 200);
  assert.deepEqual(after.masterKey, gina.masterKey);
});

test('recovery: a wrong challenge fails, the challenge works once, failures are limited', async () => {
  const hal = await signup(server.url, 'hal@example.org', 'hal');
  const wrong = await recover(server.url, hal.email, hal.recoveryKey, 'x', { tamper: true });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error, 'unauthorized');
  assert.equal((await login(server.url, hal.email, 'hal')).status, 200); // nothing changed

  // Replaying a completed challenge fails.
  const begin = await api(server.url, 'POST', '/api/recovery/begin', { body: { email: hal.email } });
  const body = { challengeID: begin.json.challengeID, challenge: Buffer.alloc(32).toString('base64') };
  const first = await api(server.url, 'POST', '/api/recovery/complete', { body: { ...completeFields(), ...body } });
  const replay = await api(server.url, 'POST', '/api/recovery/complete', { body: { ...completeFields(), ...body } });
  assert.equal(first.status, 401);
  assert.equal(replay.status, 401);
  assert.match(replay.json.message, /expired|unknown/);

  for (let i = 0; i < 3; i++)
    assert.equal((await recover(server.url, hal.email, hal.recoveryKey, 'x', { tamper: true })).status, 401);
  assert.equal((await recover(server.url, hal.email, hal.recoveryKey, 'x')).status, 429);

  // An unknown email gets a challenge of the same shape that never completes.
  const fake = await api(server.url, 'POST', '/api/recovery/begin', { body: { email: 'ghost@example.org' } });
  assert.equal(fake.status, 200);
  assert.deepEqual(Object.keys(fake.json).sort(), Object.keys(begin.json).sort());
  const none = await api(server.url, 'POST', '/api/recovery/complete', {
    body: { ...completeFields(), challengeID: fake.json.challengeID, challenge: body.challenge },
  });
  assert.equal(none.status, 401);
});

test('recovery challenges expire', async () => {
  const ivy = await signup(server.url, 'ivy@example.org', 'ivy');
  const begin = await api(server.url, 'POST', '/api/recovery/begin', { body: { email: ivy.email } });
  clock.advance(11 * 60 * 1000);
  const res = await api(server.url, 'POST', '/api/recovery/complete', {
    body: { ...completeFields(), challengeID: begin.json.challengeID, challenge: Buffer.alloc(32).toString('base64') },
  });
  assert.equal(res.status, 401);
});

/** Well-formed new-password fields for a complete call whose challenge is the point. */
function completeFields() {
  return {
    kekSalt: Buffer.alloc(16, 1).toString('base64'),
    encryptedKey: Buffer.alloc(48, 2).toString('base64'),
    keyDecryptionNonce: Buffer.alloc(24, 3).toString('base64'),
    memLimit: 67108864,
    opsLimit: 2,
    srpUserID: '11111111-1111-4111-8111-111111111111',
    srpSalt: Buffer.alloc(16, 4).toString('base64'),
    srpVerifier: Buffer.alloc(512, 5).toString('base64'),
  };
}
