// Sign-up, SRP login (Ente's way, fast-srp-hap with the 4096-bit group), logout, the signed-in
// account and contacts' public keys.
import { ROUTES } from '../../contract/routes.mjs';
import { SIZES } from '../config.mjs';
import {
  b64Field,
  badRequest,
  conflict,
  emailField,
  notFound,
  readJson,
  sendEmpty,
  sendJson,
  stringField,
  unauthorized,
  uuidField,
} from '../http.mjs';
import { randomKey, sameBytes, sha256 } from '../secrets.mjs';
import { GROUP_BYTES, srpServerSession } from '../srp.mjs';
import { keyAttributesField, signingAttributesField } from './key-attributes.mjs';
/** What made-up attributes claim: Ente's default (sensitive) derivation, the common case. */
const MADE_UP_LIMITS = { memLimit: 256 * 1024 * 1024, opsLimit: 16 };
const SESSION_ID = /^[0-9a-f]{32}$/;

export const srpFields = (body) => ({
  srpUserID: uuidField(body, 'srpUserID'),
  srpSalt: b64Field(body, 'srpSalt', { bytes: SIZES.salt }),
  srpVerifier: b64Field(body, 'srpVerifier', { max: GROUP_BYTES }),
});

/** A UUID v4 from 16 bytes (version and variant bits set). */
function uuidFrom(bytes) {
  const b = Buffer.from(bytes);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function accountRoutes({ store, secrets, auth, config, now, srpSessions, publicKeyOverrides }) {
  /** Stable made-up SRP attributes for an email without an account. */
  const madeUpAttributes = (email) => ({
    srpUserID: uuidFrom(secrets.madeUp('srpUserID', email, 16)),
    srpSalt: secrets.madeUp('srpSalt', email, SIZES.salt).toString('base64'),
    kekSalt: secrets.madeUp('kekSalt', email, SIZES.salt).toString('base64'),
    ...MADE_UP_LIMITS,
  });

  return [
    [
      ROUTES.signUp,
      async ({ req, res }) => {
        await auth.limitAddress(req);
        const body = await readJson(req, config.maxJsonBytes);
        const email = emailField(body);
        const keyAttributes = keyAttributesField(body);
        const id = await store.createUser({ email, keyAttributes, ...srpFields(body), now: now() });
        if (id === null) throw conflict('that email (or srpUserID) already has an account');
        sendJson(res, 201, { id });
      },
    ],

    [
      ROUTES.srpAttributes,
      async ({ req, res }) => {
        const email = emailField(await readJson(req, config.maxJsonBytes));
        const user = await store.userByEmail(email);
        if (!user) return sendJson(res, 200, madeUpAttributes(email));
        const { kekSalt, memLimit, opsLimit } = user.keyAttributes;
        sendJson(res, 200, { srpUserID: user.srpUserID, srpSalt: user.srpSalt, kekSalt, memLimit, opsLimit });
      },
    ],

    [
      ROUTES.srpSession,
      async ({ req, res }) => {
        await auth.limitAddress(req);
        const body = await readJson(req, config.maxJsonBytes);
        const srpUserID = uuidField(body, 'srpUserID');
        const srpA = Buffer.from(b64Field(body, 'srpA', { max: GROUP_BYTES }), 'base64');
        const user = await store.userBySrpUserID(srpUserID);
        // An unknown srpUserID gets a session too (against a made-up verifier) that never verifies.
        const verifier = user ? Buffer.from(user.srpVerifier, 'base64') : secrets.madeUp('srpVerifier', srpUserID, GROUP_BYTES);
        let session;
        try {
          session = srpServerSession(verifier, srpA);
        } catch {
          throw badRequest('srpA is not a valid SRP public value');
        }
        // The whole exchange is computed now; the shared database keeps what verify compares
        // (M1's hash) and answers (M2), so any instance can finish the log-in.
        const sessionID = randomKey();
        await srpSessions.add(sessionID, {
          userId: user?.id,
          srpUserID,
          m1: sha256(session.M1).toString('base64'),
          m2: session.M2.toString('base64'),
        });
        sendJson(res, 200, { sessionID, srpB: session.B.toString('base64') });
      },
    ],

    [
      ROUTES.srpVerify,
      async ({ req, res }) => {
        const body = await readJson(req, config.maxJsonBytes);
        const sessionID = stringField(body, 'sessionID', { pattern: SESSION_ID });
        const srpM1 = Buffer.from(b64Field(body, 'srpM1', { max: 64 }), 'base64');
        await auth.limitAddress(req);
        const session = await srpSessions.take(sessionID);
        if (!session) throw unauthorized('unknown or expired SRP session');
        // Failures count per SRP user id, made up or not, so the limit answers alike for both.
        const subject = `srp:${session.srpUserID}`;
        await auth.checkFailures(subject);
        const known = session.userId !== undefined && session.userId !== null;
        if (!known || !sameBytes(sha256(srpM1), Buffer.from(session.m1, 'base64'))) {
          await auth.recordFailure(subject);
          throw unauthorized('wrong email or password');
        }
        const user = await store.userById(session.userId);
        sendJson(res, 200, {
          srpM2: session.m2,
          id: user.id,
          email: user.email,
          keyAttributes: user.keyAttributes,
          encryptedToken: await auth.issueToken(user),
        });
      },
    ],

    [
      ROUTES.logout,
      async ({ req, res }) => {
        await auth.requireUser(req);
        await auth.logout(req);
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.me,
      async ({ req, res }) => {
        const { id, email, keyAttributes } = await auth.requireUser(req);
        sendJson(res, 200, { id, email, keyAttributes });
      },
    ],

    [
      ROUTES.putIdentity,
      async ({ req, res }) => {
        const user = await auth.requireUser(req);
        const body = await readJson(req, config.maxJsonBytes);
        if (Object.keys(signingAttributesField(body)).length === 0) throw badRequest('the signing key fields are missing');
        if (user.keyAttributes.signingPublicKey !== undefined) throw conflict('the account already has a signing key');
        const added = { ...user.keyAttributes, ...signingAttributesField(body) };
        if (!(await store.setKeyAttributes(user.id, added, user.keyAttributes))) {
          throw conflict('the account already has a signing key');
        }
        sendEmpty(res, 204);
      },
    ],

    [
      ROUTES.publicKey,
      async ({ req, res, query }) => {
        await auth.requireUser(req);
        const email = emailField({ email: query.get('email') });
        const user = await store.userByEmail(email);
        if (!user) throw notFound('no account with that email');
        const { publicKey, signingPublicKey, identitySignature } = {
          ...user.keyAttributes,
          ...publicKeyOverrides.get(email),
        };
        sendJson(res, 200, {
          id: user.id,
          email: user.email,
          publicKey,
          ...(signingPublicKey ? { signingPublicKey, identitySignature } : {}),
        });
      },
    ],
  ];
}
