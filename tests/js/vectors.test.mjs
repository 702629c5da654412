// Official vectors: RFC 8439, the XChaCha20 draft, BIP39 English (trezor/python-mnemonic).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, hex, toHex, vectors } from './helpers.mjs';

const rfc = vectors('rfc8439.json');
const xc = vectors('xchacha20-draft.json');
const bip = vectors('bip39-english.json');

function list(obj) {
  // Each file keeps its vectors in named arrays or objects; gather every entry with the given keys.
  const out = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      out.push(v);
      Object.values(v).forEach(walk);
    }
  };
  walk(obj);
  return out;
}

test('RFC 8439 ChaCha20 encryption vectors', () => {
  const vs = list(rfc).filter((v) => v.key && v.nonce && v.counter !== undefined && v.plaintext && v.ciphertext && !v.tag);
  assert.ok(vs.length >= 4, `found ${vs.length}`);
  for (const v of vs) {
    const c = core.primitives.chacha20IetfXor(hex(v.plaintext), hex(v.nonce), Number(v.counter), hex(v.key));
    assert.equal(toHex(c), v.ciphertext, v.name);
  }
});

test('RFC 8439 Poly1305 vectors', () => {
  const vs = list(rfc).filter((v) => v.key && v.message !== undefined && v.tag && !v.nonce);
  assert.ok(vs.length >= 12, `found ${vs.length}`);
  for (const v of vs) assert.equal(toHex(core.primitives.poly1305(hex(v.message), hex(v.key))), v.tag, v.name);
});

test('RFC 8439 AEAD_CHACHA20_POLY1305 vectors, both directions', () => {
  const vs = list(rfc).filter((v) => v.aad !== undefined && v.tag && v.nonce && v.ciphertext);
  assert.ok(vs.length >= 2, `found ${vs.length}`);
  for (const v of vs) {
    const sealed = core.primitives.aeadChacha20Poly1305IetfEncrypt(hex(v.plaintext), hex(v.aad), hex(v.nonce), hex(v.key));
    assert.equal(toHex(sealed), v.ciphertext + v.tag, v.name);
    const opened = core.primitives.aeadChacha20Poly1305IetfDecrypt(
      hex(v.ciphertext + v.tag),
      hex(v.aad),
      hex(v.nonce),
      hex(v.key),
    );
    assert.equal(toHex(opened), v.plaintext, v.name);
  }
});

test('XChaCha20 draft: HChaCha20, AEAD and keystream vectors', () => {
  const all = list(xc);
  const h = all.filter((v) => v.subkey);
  assert.ok(h.length >= 1);
  for (const v of h) assert.equal(toHex(core.primitives.hchacha20(hex(v.nonce), hex(v.key))), v.subkey);

  const aead = all.filter((v) => v.aad !== undefined && v.tag);
  assert.ok(aead.length >= 1);
  for (const v of aead) {
    const sealed = core.primitives.aeadXChacha20Poly1305IetfEncrypt(
      hex(v.plaintext),
      hex(v.aad),
      hex(v.nonce ?? v.iv),
      hex(v.key),
    );
    assert.equal(toHex(sealed), v.ciphertext + v.tag);
  }

  const ks = all.filter((v) => v.keystream && v.ciphertext);
  assert.ok(ks.length >= 1);
  for (const v of ks) {
    const c = core.primitives.xchacha20Xor(hex(v.plaintext), hex(v.nonce), Number(v.counter ?? 0), hex(v.key));
    assert.equal(toHex(c), v.ciphertext);
  }
});

test('BIP39 English vectors: entropy <-> mnemonic', () => {
  const vs = list(bip).filter((v) => v.entropy && v.mnemonic);
  assert.equal(vs.length, 24);
  for (const v of vs) {
    assert.equal(core.mnemonic.fromEntropy(hex(v.entropy)), v.mnemonic);
    assert.equal(toHex(core.mnemonic.toEntropy(v.mnemonic)), v.entropy);
    if (v.entropy.length === 64) {
      assert.equal(core.mnemonic.fromKey(hex(v.entropy)), v.mnemonic);
      assert.equal(toHex(core.mnemonic.toKey(v.mnemonic)), v.entropy);
    }
  }
});
