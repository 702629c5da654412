// Recovery with the 24-word phrase: a challenge sealed to the account's public key proves the
// client holds the master key (it opens the secret key with it); then a new password's KEK
// wrapping and SRP verifier replace the old ones, and earlier sessions end.
import { ROUTES } from '../../contract/routes.mjs';
import { SIZES } from '../config.mjs';
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

export function recoveryRoutes({ store, secrets, auth, config, recoveryChallenges }) {
  const madeUp = (email) =>
    Object.fromEntries(REVEALED.map((name) => [name, secrets.madeUp(name, email, KEY_ATTRIBUTE_BYTES[name]).toString('base64')]));

  return [
    [
      ROUTES.recoveryBegin,
      async ({ req, res }) => {
        await auth.limitAddress(req);
        const email = emailField(await readJson(req, config.maxJsonBytes));
        const user = await store.userByEmail(email);
        const challengeID = randomKey();
        if (!user) {
          // Same shape for an unknown email; its challenge can never be answered.
          await recoveryChallenges.add(challengeID, {});
          const encryptedChallenge = randomBytes(CHALLENGE_BYTES + SIZES.seal).toString('base64');
          return sendJson(res, 200, { challengeID, ...madeUp(email), encryptedChallenge });
        }
        const challenge = randomBytes(CHALLENGE_BYTES);
        const encryptedChallenge = secrets.seal(challenge, user.keyAttributes.publicKey);
        await recoveryChallenges.add(challengeID, { userId: user.id, hash: sha256(challenge).toString('base64') });
        challenge.fill(0);
        const revealed = Object.fromEntries(REVEALED.map((name) => [name, user.keyAttributes[name]]));
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
        if (!pending) throw unauthorized('unknown or expired challenge');
        if (pending.userId === undefined) throw unauthorized('wrong challenge');
        await auth.checkFailures(pending.userId);
        if (!sameBytes(sha256(challenge), Buffer.from(pending.hash, 'base64'))) {
          await auth.recordFailure(pending.userId);
          throw unauthorized('wrong challenge');
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
