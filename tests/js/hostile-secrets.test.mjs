// Errors never echo a secret (issue 12, fix 8): a recovery phrase, one of its words or a hex key
// in e.message would end up in logs and crash reports. Errors name word positions instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, toHex, catchCoreError } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
// A fixed key whose phrase shares no word with the error messages' own wording.
const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const phrase = core.mnemonic.fromKey(key);
const words = phrase.split(' ');

/** Fails when the message holds the phrase, any word of it, or the given extra secrets. */
function assertNoSecret(message, ...secrets) {
  const lower = message.toLowerCase();
  for (const s of [phrase, ...secrets]) assert.ok(!lower.includes(s.toLowerCase()), `error message echoes a secret: ${message}`);
  for (const w of words) assert.ok(!new RegExp(`\\b${w}\\b`).test(lower), `error message echoes the word "${w}": ${message}`);
}

test('any Unicode whitespace separates the words of a recovery phrase', () => {
  for (const [sep, name] of [
    ['\u00a0', 'NBSP'],
    ['\u3000', 'ideographic space'],
    ['\u2003', 'em space'],
    [' \n\t', 'ASCII whitespace'],
  ]) {
    assert.equal(toHex(core.mnemonic.toKey(words.join(sep))), toHex(key), name);
    assert.equal(toHex(core.mnemonic.toEntropy(words.join(sep))), toHex(key), name);
  }
  record('mnemonic.toKey', '24 words separated by NBSP, U+3000 or U+2003', 'the key', 'same key as with spaces');
});

test('a word outside the wordlist is named by its position, never by its text', () => {
  for (const at of [0, 4, 23]) {
    const bad = words.slice();
    bad[at] = `${words[at]}x`;
    const e = catchCoreError(() => core.mnemonic.toKey(bad.join(' ')));
    assert.equal(e.code, 'BAD_INPUT');
    assert.match(e.message, new RegExp(`word ${at + 1}\\b`));
    assertNoSecret(e.message, bad[at]);
  }
  record('mnemonic.toKey', 'one misspelt word of 24', 'CoreError BAD_INPUT', 'message names the word position, holds no word');
});

test('malformed recovery input never lands in the message', () => {
  const hex = toHex(key);
  const cases = [
    [hex.slice(0, 63), '63 hex digits'],
    [`${hex}0`, '65 hex digits'],
    [words.join('\u00a0').replace(words[3], 'zzzz'), 'NBSP-separated, one unknown word'],
    [words.slice(0, 23).join(' '), '23 words'],
    [[...words.slice(0, 23), words[0]].join(' '), '24 words, bad checksum'],
    [words.join('-'), 'words joined by hyphens'],
  ];
  for (const [input, label] of cases) {
    const e = catchCoreError(() => core.mnemonic.toKey(input));
    assert.equal(e.code, 'BAD_INPUT', label);
    assertNoSecret(e.message, hex.slice(0, 16), 'zzzz');
    record('mnemonic.toKey', label, e, 'message holds no word and no hex digits of the input');
  }
  const e = catchCoreError(() => core.mnemonic.toEntropy(`${words.slice(0, 11).join(' ')} qqqq`));
  assertNoSecret(e.message, 'qqqq');
});
