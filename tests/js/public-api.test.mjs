// The published API as a TypeScript user meets it, read from the built declarations with the
// compiler API (what an editor's hover shows): every exported member has a doc comment, and every
// byte array the API hands out (returned, resolved, yielded, passed to a callback) is a
// Uint8Array<ArrayBuffer>, so it goes into a Blob or crypto.subtle under strict TypeScript >= 5.7.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ENTRIES = ['crypto', 'search'].map((e) => fileURLToPath(new URL(`../../js/dist/${e}.d.ts`, import.meta.url)));
const program = ts.createProgram(ENTRIES, {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
});
const checker = program.getTypeChecker();

/** Every exported symbol of both entries (aliases resolved), by entry-qualified name. */
function exportsOf() {
  const out = new Map();
  for (const file of ENTRIES) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file));
    for (const s of checker.getExportsOfModule(module)) {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      out.set(s.name, target);
    }
  }
  return out;
}
const EXPORTS = exportsOf();
const docOf = (symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
const declOf = (symbol) => symbol.valueDeclaration ?? symbol.declarations?.[0];
const typeOfSymbol = (symbol) => {
  const decl = declOf(symbol);
  return decl ? checker.getTypeOfSymbolAtLocation(symbol, decl) : checker.getDeclaredTypeOfSymbol(symbol);
};
/** Declared in the package (not in lib.dom, comlink, onnxruntime-web...). */
const ours = (symbol) => (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.includes('/js/dist/'));

/**
 * Walks the API reachable from the exports: `visit(type, path, output)` for every type, with
 * output = whether values of it flow to the user. Function results are outputs; parameters flip
 * (a callback's parameter is an output again).
 */
function walk(visit, { declaredTypes = true } = {}) {
  const seen = new Set();
  const go = (type, path, output, depth) => {
    if (depth > 12) return;
    visit(type, path, output);
    const key = `${type.id}|${output}`; // (typeToString truncates long types)
    if (seen.has(key)) return;
    seen.add(key);
    if (type.isUnionOrIntersection()) return type.types.forEach((t) => go(t, path, output, depth + 1));
    for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      go(sig.getReturnType(), `${path}()`, output, depth + 1);
      for (const p of sig.getParameters()) go(checker.getTypeOfSymbol(p), `${path}(${p.name})`, !output, depth + 1);
    }
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    if (checker.isArrayType(type) || checker.isTupleType(type) || (symbol && !ours(symbol))) {
      // Promise<T>, ReadableStream<T>, AsyncIterable<T>, T[]...: only their type arguments.
      for (const arg of checker.getTypeArguments(type) ?? []) go(arg, `${path}<>`, output, depth + 1);
      return;
    }
    for (const prop of type.getProperties()) {
      if (!ours(prop)) continue;
      go(checker.getTypeOfSymbol(prop), `${path}.${prop.name}`, output, depth + 1);
    }
  };
  for (const [name, symbol] of EXPORTS) {
    if (symbol.flags & ts.SymbolFlags.Value) go(typeOfSymbol(symbol), name, true, 0);
    // Exported interfaces and types on their own (which way their values flow is their use's).
    if (declaredTypes && symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class)) {
      go(checker.getDeclaredTypeOfSymbol(symbol), name, true, 0);
    }
  }
}

/**
 * Where the API hands the caller's own bytes back to the caller's own code, typed as loosely as
 * the caller gave them: an own core for createSearch (its clip and index functions get the
 * caller's pixels, keys and saved bytes) and for createFaceIndexer (its openPhoto gets the
 * caller's pixels from indexImage), an own image decoder (the caller's encoded image), the
 * index given to importClip.
 */
const CALLERS_OWN = [/^createSearch\(core\)/, /^createFaceIndexer\(core\)/, /decodeImage\(data\)/, /importClip\(index\)/];

test('every byte array the API hands out is a Uint8Array<ArrayBuffer>', () => {
  const loose = new Set();
  walk(
    (type, path, output) => {
      if (!output || type.getSymbol()?.name !== 'Uint8Array' || CALLERS_OWN.some((p) => p.test(path))) return;
      const [buffer] = checker.getTypeArguments(type) ?? [];
      if (!buffer || checker.typeToString(buffer) !== 'ArrayBuffer') loose.add(`${path}: ${checker.typeToString(type)}`);
    },
    { declaredTypes: false },
  );
  const list = [...loose].sort();
  assert.deepEqual(list, [], `typed over ArrayBufferLike:\n${list.join('\n')}`);
});

test('every exported name and every member of the exported API has a doc comment (the hover text)', () => {
  const missing = new Set();
  for (const [name, symbol] of EXPORTS) if (!docOf(symbol)) missing.add(name);
  const seenMembers = new Set();
  walk((type, path) => {
    for (const prop of type.getProperties()) {
      if (!ours(prop) || seenMembers.has(prop)) continue;
      seenMembers.add(prop);
      if (!docOf(prop)) missing.add(`${path}.${prop.name}`);
    }
  });
  const list = [...missing].sort();
  assert.deepEqual(list, [], `${list.length} without a doc comment:\n${list.join('\n')}`);
});
