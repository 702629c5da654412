// Each wasm module's real exports against its declaration file (js/src/wasm/cipherlens.d.mts):
// every declared member exists, every export is declared, classes have exactly their declared
// methods, every constant is one the package checks at load, and every declared function is used
// by the package, the tests or the benchmarks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import createFull from '../../js/dist/wasm/cipherlens.mjs';
import createCrypto from '../../js/dist/wasm/cipherlens-crypto.mjs';
import { MODULE_SIZES } from '../../js/dist/crypto/sizes.js';
import { CORE_ERROR_CODES } from '../../js/dist/runtime/errors.js';
import { sodium } from './helpers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DECLARATIONS = join(ROOT, 'js/src/wasm/cipherlens.d.mts');
const wasm = (name) => readFileSync(join(ROOT, 'js/dist/wasm', name));
const full = await createFull({ wasmBinary: wasm('cipherlens.wasm') });
const crypto = await createCrypto({ wasmBinary: wasm('cipherlens-crypto.wasm') });

// ---- what the declaration file says ----
const source = ts.createSourceFile(DECLARATIONS, readFileSync(DECLARATIONS, 'utf8'), ts.ScriptTarget.Latest);
const interfaces = new Map(); // name -> [{ name, type }]
source.forEachChild((node) => {
  if (!ts.isInterfaceDeclaration(node)) return;
  interfaces.set(
    node.name.text,
    node.members.filter((m) => m.name).map((m) => ({ name: m.name.getText(source), type: m.type?.getText(source) })),
  );
});
const members = (name) => interfaces.get(name).map((m) => m.name);
/** Members whose type is `new () => WasmX` or another declared interface: classes and namespaces. */
const typeOf = (iface, member) => interfaces.get(iface).find((m) => m.name === member)?.type;

// Emscripten's own members the package uses: declared, but not ours to compare.
const RUNTIME = ['HEAPU8', '_malloc', '_free'];

// ---- what a module really exports ----
/** Our exports: embind functions and classes (embind marks them with argCount), direct `_cl_`
 *  exports, and embind constants (upper-case numbers). */
function exportsOf(mod) {
  return Object.keys(mod)
    .filter((k) => {
      const v = mod[k];
      return (
        (typeof v === 'function' && Object.hasOwn(v, 'argCount')) ||
        k.startsWith('_cl_') ||
        (typeof v === 'number' && /^[A-Z][A-Z0-9_]*$/.test(k))
      );
    })
    .sort();
}
const methodsOf = (cls) =>
  Object.getOwnPropertyNames(cls.prototype)
    .filter((k) => k !== 'constructor')
    .sort();
const staticsOf = (cls) =>
  Object.keys(cls)
    .filter((k) => typeof cls[k] === 'function' && Object.hasOwn(cls[k], 'argCount'))
    .sort();

function check(mod, declared) {
  for (const name of RUNTIME) assert.ok(name in mod, `${name} is missing`);
  assert.deepEqual(exportsOf(mod), declared.filter((m) => !RUNTIME.includes(m)).sort());
}

test('cipherlens-crypto.wasm exports exactly CryptoModule', () => {
  check(crypto, members('CryptoModule'));
});

test('cipherlens.wasm exports exactly CryptoModule and CipherlensModule', () => {
  check(full, [...members('CryptoModule'), ...members('CipherlensModule')]);
});

test('every class has exactly its declared methods, every namespace its declared functions', () => {
  let classes = 0;
  for (const iface of ['CryptoModule', 'CipherlensModule']) {
    for (const name of members(iface)) {
      const type = typeOf(iface, name);
      const cls = /^new \(\) => (\w+)$/.exec(type ?? '');
      if (cls) {
        classes++;
        // delete() comes from embind's ClassHandle, not from our bindings.
        assert.deepEqual(
          methodsOf(full[name]),
          members(cls[1])
            .filter((m) => m !== 'delete')
            .sort(),
          name,
        );
      } else if (interfaces.has(type)) {
        assert.deepEqual(staticsOf(full[name]), members(type).sort(), name);
      }
    }
  }
  assert.ok(classes >= 5, 'the classes were read');
});

test("the constants: the same in both builds, the package's copies, and libsodium's", () => {
  const constants = exportsOf(full).filter((k) => typeof full[k] === 'number');
  for (const k of constants) assert.equal(crypto[k], full[k], k);
  const statuses = Object.fromEntries(CORE_ERROR_CODES.map((code, i) => [`STATUS_${code}`, i + 1]));
  assert.deepEqual(Object.fromEntries(constants.map((k) => [k, full[k]])), { ...MODULE_SIZES, ...statuses });
  const s = sodium;
  assert.deepEqual(
    [
      full.KEY_BYTES,
      full.NONCE_BYTES,
      full.MAC_BYTES,
      full.SALT_BYTES,
      full.HEADER_BYTES,
      full.STREAM_OVERHEAD,
      full.PUBLIC_KEY_BYTES,
      full.SECRET_KEY_BYTES,
      full.SEAL_OVERHEAD,
      full.FILE_HASH_BYTES,
    ],
    [
      s.crypto_secretbox_KEYBYTES,
      s.crypto_secretbox_NONCEBYTES,
      s.crypto_secretbox_MACBYTES,
      s.crypto_pwhash_SALTBYTES,
      s.crypto_secretstream_xchacha20poly1305_HEADERBYTES,
      s.crypto_secretstream_xchacha20poly1305_ABYTES,
      s.crypto_box_PUBLICKEYBYTES,
      s.crypto_box_SECRETKEYBYTES,
      s.crypto_box_SEALBYTES,
      s.crypto_generichash_BYTES_MAX,
    ],
  );
});

test('every declared function and method is used by the package, the tests or the benchmarks', () => {
  const files = ['js/src', 'worker', 'tests/js', 'tests/browser', 'scripts/bench'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true })
      .filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.endsWith('.d.mts'))
      .map((f) => readFileSync(join(ROOT, dir, f), 'utf8')),
  );
  const text = files.join('\n');
  const unused = [];
  for (const [iface, list] of interfaces) {
    if (iface === 'ModuleOptions') continue;
    for (const { name } of list)
      if (!/^[A-Z]/.test(name) && !new RegExp(`\\.${name.replace('$', '\\$')}\\b`).test(text)) unused.push(`${iface}.${name}`);
  }
  assert.deepEqual(unused, []);
});
