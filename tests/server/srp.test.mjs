// The server's SRP (server/srp.mjs, OpenSSL through node:crypto) against fast-srp-hap, the
// library Ente's web client and our gallery use: the same B, M1 and M2 for the same inputs, and
// fast-srp-hap's SrpClient logging in against it; a wrong password and hostile A values fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import SRPModule from 'fast-srp-hap';
import { srpServerSession } from '../../server/srp.mjs';

const { SRP, SrpClient, SrpServer } = SRPModule;
const PARAMS = SRP.params['4096'];

function account(password = randomBytes(16)) {
  const salt = randomBytes(16);
  const id = Buffer.from(randomUUID());
  return { salt, id, password, verifier: SRP.computeVerifier(PARAMS, salt, id, password) };
}

test('SRP: B, M1 and M2 equal fast-srp-hap SrpServer for the same secret (8 random sessions)', () => {
  for (let i = 0; i < 8; i++) {
    const a = account();
    const client = new SrpClient(PARAMS, a.salt, a.id, a.password, randomBytes(32), false);
    const secret = randomBytes(32);
    if (i === 0) secret[0] = 0; // a secret with a leading zero byte
    const reference = new SrpServer(PARAMS, a.verifier, secret);
    const A = client.computeA();
    reference.setA(A);
    const ours = srpServerSession(a.verifier, A, secret);
    assert.deepEqual(ours.B, reference.computeB());
    client.setB(ours.B);
    const M1 = client.computeM1();
    assert.doesNotThrow(() => reference.checkM1(M1));
    assert.deepEqual(ours.M1, M1);
    assert.deepEqual(ours.M2, reference.computeM2());
    client.checkM2(ours.M2);
  }
});

test('SRP: a wrong password gives another M1; A of 0, N or over N is refused', () => {
  const a = account();
  const wrong = new SrpClient(PARAMS, a.salt, a.id, randomBytes(16), randomBytes(32), false);
  const ours = srpServerSession(a.verifier, wrong.computeA());
  wrong.setB(ours.B);
  assert.notDeepEqual(wrong.computeM1(), ours.M1);
  const N = Buffer.from(PARAMS.N.toString(16), 'hex');
  for (const A of [Buffer.alloc(512), N, Buffer.alloc(512, 0xff), Buffer.alloc(0)]) {
    assert.throws(() => srpServerSession(a.verifier, A), /invalid client-supplied/);
  }
  // A = N - 1 (so that A * v^u is ±1 and S is predictable): OpenSSL refuses the power.
  const minusOne = Buffer.from((BigInt(`0x${N.toString('hex')}`) - 1n).toString(16), 'hex');
  assert.throws(() => srpServerSession(Buffer.from([1]), minusOne));
});
