// Recovery with the 24-word phrase: a challenge sealed to the account's public key proves the
// client holds the master key (it opens the secret key with it); then a new password's KEK
// wrapping and SRP verifier replace the old ones, and earlier sessions end.
//
// An unknown email gets an answer that cannot be told from a real one: stable made-up wrapped
// keys and nonces (random-looking, as ciphertext is), a made-up public key that is a real X25519
// key, and a challenge really sealed to it. Its challenges are kept like real ones, and failed
// completions count per email for both, so the rate limit answers alike. Challenges wait in the
// shared database, bounded by the per-address limit (auth.mjs), not by one cap for everyone.
import { ROUTES } from '../../contract/routes.mjs';
import { b64Field, conflict, emailField, readJson, sendJson, stringField, unauthorized } from '../http.mjs';
import { randomBytes, randomKey, sameBytes, sha256 } from '../secrets.mjs';
import { srpFields } from './accounts.mjs';
import { argonLimits, KEY_ATTRIBUTE_BYTES } from './key-attributes.mjs';

const CHALLENGE_BYTES = 32;
const CHALLENGE_ID = /^[0-9a-f]{32}$/;
const REVEALED = [
  'masterKeyEncryptedWithRecoveryKey',
  'masterKeyDecryptionNonce',
  'encryptedSecretKey',
  'secretKeyDecryptionNonce',
  'publicKey',
];
const WRONG = 'wrong or expired challenge';

export function recoveryRoutes({ store, secrets, auth, config, recoveryChallenges }) {
  const madeUp = (email) => ({
    ...Object.fromEntries(
      REVEALED.map((name) => [name, secrets.madeUp(name, email, KEY_ATTRIBUTE_BYTES[name]).toString('base64')]),
    ),
    publicKey: secrets.madeUpPublicKey('publicKey', email),
  });

  return [
    [
      ROUTES.recoveryBegin,
      async ({ req, res }) => {
        await auth.limitAddress(req);
        const email = emailField(await readJson(req, config.maxJsonBytes));
        const user = await store.userByEmail(email);
        const challengeID = randomKey();
        const challenge = randomBytes(CHALLENGE_BYTES);
        const revealed = user ? Object.fromEntries(REVEALED.map((name) => [name, user.keyAttributes[name]])) : madeUp(email);
        const encryptedChallenge = secrets.seal(challenge, revealed.publicKey);
        // A made-up one is kept like a real one (without an account: it is never answered).
        const hash = sha256(challenge).toString('base64');
        await recoveryChallenges.add(challengeID, user ? { userId: user.id, email, hash } : { email, hash });
        challenge.fill(0);
        sendJson(res, 200, { challengeID, ...revealed, encryptedChallenge });
      },
    ],

    [
      ROUTES.recoveryComplete,
      async ({ req, res }) => {
        const body = await readJson(req, config.maxJsonBytes);
        const challengeID = stringField(body, 'challengeID', { pattern: CHALLENGE_ID });
        const challenge = Buffer.from(b64Field(body, 'challenge', { bytes: CHALLENGE_BYTES }), 'base64');
        const wrapping = {
          kekSalt: b64Field(body, 'kekSalt', { bytes: KEY_ATTRIBUTE_BYTES.kekSalt }),
          encryptedKey: b64Field(body, 'encryptedKey', { bytes: KEY_ATTRIBUTE_BYTES.encryptedKey }),
          keyDecryptionNonce: b64Field(body, 'keyDecryptionNonce', { bytes: KEY_ATTRIBUTE_BYTES.keyDecryptionNonce }),
          ...argonLimits(body),
        };
        const srp = srpFields(body);
        await auth.limitAddress(req);
        const pending = await recoveryChallenges.take(challengeID);
        if (!pending) throw unauthorized(WRONG);
        const subject = `recovery:${pending.email}`;
        await auth.checkFailures(subject);
        if (pending.userId === undefined || !sameBytes(sha256(challenge), Buffer.from(pending.hash, 'base64'))) {
          await auth.recordFailure(subject);
          throw unauthorized(WRONG);
        }
        const user = await store.userById(pending.userId);
        const taken = await store.userBySrpUserID(srp.srpUserID);
        if (taken && taken.id !== user.id) throw conflict('srpUserID is taken');
        const keyAttributes = { ...user.keyAttributes, ...wrapping };
        await store.replaceLogin(user.id, { keyAttributes, ...srp });
        await store.deleteUserTokens(user.id);
        sendJson(res, 200, { encryptedToken: await auth.issueToken({ ...user, keyAttributes }) });
      },
    ],
  ];
}
