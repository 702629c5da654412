// SRP-6a's server side, byte for byte as fast-srp-hap's SrpServer computes it with a verifier
// (Ente's setup: the 4096-bit group, SHA-512), with the modular exponentiations in OpenSSL
// through node:crypto instead of fast-srp-hap's pure-JS big numbers: about 8 ms of the event
// loop per log-in instead of about 170 ms. tests/server/srp.test.mjs checks B, M1 and M2
// against fast-srp-hap's SrpServer and runs its SrpClient against this.
//
// node:crypto has no modPow; a finite-field Diffie-Hellman derivation is one (peer^private mod
// p), so each power is a DH derive with the group as parameters, the exponent as the private
// key and the base as the peer's public key. The generator is written as 5 (SRP's), which keeps
// OpenSSL from taking the prime for RFC 3526's named group, whose subgroup check would refuse
// half the bases. OpenSSL refuses bases 0, 1 and N - 1: the log-in fails, as it should.
import { createHash, createPrivateKey, createPublicKey, diffieHellman, randomBytes } from 'node:crypto';
import SRPModule from 'fast-srp-hap';

const PARAMS = SRPModule.SRP.params['4096'];
export const GROUP_BYTES = PARAMS.N_length_bits / 8;
const toBig = (jsbn) => BigInt(`0x${jsbn.toString(16)}`);
const N = toBig(PARAMS.N);
const g = toBig(PARAMS.g);
const H = (...parts) => {
  const h = createHash(PARAMS.hash);
  for (const p of parts) h.update(p);
  return h.digest();
};
const bigOf = (bytes) => (bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`));
const bytesOf = (big, length) => {
  const hex = big.toString(16);
  return Buffer.from((hex.length % 2 ? `0${hex}` : hex).padStart(length * 2, '0'), 'hex');
};
const pad = (bytes) => Buffer.concat([Buffer.alloc(GROUP_BYTES - bytes.length), bytes]);

// DER for the DH keys: just enough ASN.1 (SEQUENCE, INTEGER, OCTET STRING, BIT STRING).
const der = (tag, body) => {
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
};
const derInt = (big) => {
  const hex = big.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return der(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
};
const derSeq = (...parts) => der(0x30, Buffer.concat(parts));
const DH_OID = Buffer.from('06092a864886f70d010301', 'hex'); // 1.2.840.113549.1.3.1 dhKeyAgreement
const GROUP = derSeq(DH_OID, derSeq(derInt(N), derInt(g)));

/** base^exponent mod N in OpenSSL; throws for a base OpenSSL refuses (0, 1, N - 1). */
function modPow(base, exponent) {
  const privateKey = createPrivateKey({
    key: derSeq(derInt(0n), GROUP, der(0x04, derInt(exponent))),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey({
    key: derSeq(GROUP, der(0x03, Buffer.concat([Buffer.from([0]), derInt(base)]))),
    format: 'der',
    type: 'spki',
  });
  return bigOf(diffieHellman({ privateKey, publicKey }));
}

const k = bigOf(H(pad(bytesOf(N, 0)), pad(bytesOf(g, 0))));

/**
 * One log-in's server side, all at once: B for the client, and the M1 it must send back with
 * the M2 to answer it. `secret` (32 random bytes, SrpServer's secret2) is for the tests; the
 * server draws it. Throws for an srpA fast-srp-hap refuses (0 or ≥ N) or OpenSSL does.
 */
export function srpServerSession(verifier, srpA, secret = randomBytes(32)) {
  const A = bigOf(srpA);
  if (A <= 0n || A >= N) throw new Error('invalid client-supplied "A", must be 1..N-1');
  const b = bigOf(secret);
  const v = bigOf(verifier);
  const B = bytesOf((k * v + modPow(g, b)) % N, GROUP_BYTES);
  const u = bigOf(H(pad(Buffer.from(srpA)), pad(B)));
  const S = bytesOf(modPow((A * modPow(v, u)) % N, b), GROUP_BYTES);
  const K = H(S);
  const M1 = H(srpA, B, S);
  const M2 = H(srpA, M1, K);
  return { B, M1, M2 };
}
