import type { Heap } from '../runtime/heap.js';
import { badInput, requireBytes } from '../runtime/errors.js';
import { KEY_BYTES, MNEMONIC_MAX_CHARS, PUBLIC_KEY_BYTES } from './sizes.js';
import { putText, readText } from '../runtime/text.js';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
/** Any Unicode whitespace (NBSP, U+3000...): the core splits on ASCII spaces only. */
const WHITESPACE = /\s+/gu;

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** BIP39 English mnemonics: Ente's recovery key and verification ID. */
export function makeMnemonic(heap: Heap) {
  const { mod } = heap;

  const fromEntropy = (entropy: Uint8Array): string => {
    requireBytes('entropy', entropy);
    return heap.scope((a) => {
      const out = a.alloc(MNEMONIC_MAX_CHARS);
      const len = heap.checkLength(mod.mnemonicFromEntropy(out, a.put(entropy), entropy.length));
      return readText(heap, out, len);
    });
  };

  const toEntropyWith = (phrase: string | string[], expectedWords: number): Uint8Array<ArrayBuffer> => {
    const text = Array.isArray(phrase) ? phrase.join(' ') : phrase;
    if (typeof text !== 'string') throw badInput('mnemonic must be a string or an array of words');
    return heap.scope((a) => {
      const [ptr, len] = putText(a, text.replace(WHITESPACE, ' ').toLowerCase());
      const entropy = a.alloc(KEY_BYTES); // the largest entropy: a key's
      return heap.read(entropy, heap.checkLength(mod.mnemonicToEntropy(entropy, ptr, len, expectedWords)));
    });
  };

  return {
    /** BIP39: entropy of 16..32 bytes (a multiple of 4) to 12..24 English words (BAD_INPUT otherwise). */
    fromEntropy,
    /** BIP39: 12..24 words back to their entropy; BAD_INPUT for an unknown word, a bad checksum or count. */
    toEntropy: (phrase: string | string[]): Uint8Array<ArrayBuffer> => toEntropyWith(phrase, 0),
    /** A 32-byte key (Ente's recovery key) as its 24-word recovery phrase. */
    fromKey(key: Uint8Array): string {
      requireBytes('key', key, KEY_BYTES);
      return fromEntropy(key);
    },
    /**
     * Ente's recovery input back to the 32-byte key: exactly 24 words (any whitespace or case),
     * or the legacy 64-hex-digit key. BAD_INPUT for anything else.
     */
    toKey(phrase: string | string[]): Uint8Array<ArrayBuffer> {
      const text = Array.isArray(phrase) ? phrase.join(' ') : phrase;
      if (typeof text === 'string' && HEX_KEY.test(text.trim())) return hexToBytes(text.trim());
      return toEntropyWith(phrase, 24);
    },
  };
}

/** Ente's verification ID: the 24-word mnemonic of SHA-256(public key). */
export function makeVerificationId(heap: Heap) {
  return (publicKey: Uint8Array): string => {
    requireBytes('publicKey', publicKey, PUBLIC_KEY_BYTES);
    return heap.scope((a) => {
      const out = a.alloc(MNEMONIC_MAX_CHARS);
      const len = heap.checkLength(heap.mod.verificationId(out, a.put(publicKey), publicKey.length));
      return readText(heap, out, len);
    });
  };
}
