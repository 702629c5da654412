// The dependency rules of docs/architecture.md, read from the sources themselves: search may
// import crypto, crypto never imports search; the same holds for the C++ includes. The gallery's
// layers: the app over the client, the client over the contract, the server on the contract
// alone, and all of them on the package's public entries only. Also checks that worker/ resolves
// the package's sources (js/src), not a build's declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What each part may import besides itself. Parts not listed here may import anything. */
const JS_ALLOWED = {
  runtime: ['wasm'],
  crypto: ['runtime', 'wasm'],
  search: ['crypto', 'runtime', 'wasm'],
  remote: ['crypto', 'search', 'runtime', 'wasm'],
};
const CPP_ALLOWED = {
  common: [],
  crypto: ['common'],
  search: ['crypto', 'common'],
};

/** Every file under `dir` whose name passes `keep`, as paths relative to ROOT. */
function files(dir, keep) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => relative(ROOT, join(e.parentPath ?? e.path, e.name)));
}

/** Edges that break `allowed`: [from, to] pairs of files, `partOf` naming each file's part. */
function violations(edges, partOf, allowed) {
  return edges.filter(([from, to]) => {
    const a = partOf(from);
    const b = partOf(to);
    return a in allowed && a !== b && !allowed[a].includes(b);
  });
}

// ---- TypeScript: static and dynamic imports and re-exports of js/src ----
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*(?:\/\*[^*]*\*\/\s*)?|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

function jsEdges() {
  const edges = [];
  for (const file of files('js/src', (n) => n.endsWith('.ts') || n.endsWith('.d.mts'))) {
    for (const [, , spec] of readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)) {
      // './x.js' is x.ts; './wasm/x.mjs' is the module's declaration x.d.mts.
      const target = resolve(ROOT, dirname(file), spec)
        .replace(/\.js$/, '.ts')
        .replace(/\.mjs$/, '.d.mts');
      assert.ok(existsSync(target), `${file} imports ${spec}, which is not in js/src`);
      edges.push([file, relative(ROOT, target)]);
    }
  }
  return edges;
}
const jsPart = (file) => (file.split('/').length > 3 ? file.split('/')[2] : 'entry'); // js/src/<part>/...

// ---- C++: #include "..." of wasm/{common,crypto,search}, resolved by name in our tree ----
const CPP_DIRS = ['wasm/common', 'wasm/crypto', 'wasm/search'];
const INCLUDE = /^\s*#\s*include\s+"([^"]+)"/gm;

function cppEdges() {
  const sources = CPP_DIRS.flatMap((d) => files(d, (n) => /\.(c|cpp|h|hpp)$/.test(n)));
  const byName = new Map();
  for (const f of sources) byName.set(f.split('/').at(-1), [...(byName.get(f.split('/').at(-1)) ?? []), f]);
  const edges = [];
  for (const file of sources) {
    for (const [, name] of readFileSync(join(ROOT, file), 'utf8').matchAll(INCLUDE)) {
      const beside = join(dirname(file), name);
      const found = existsSync(join(ROOT, beside)) ? [beside] : (byName.get(name) ?? []);
      // Headers of libsodium and zstd, and generated tables, are not ours: no edge.
      assert.ok(found.length <= 1, `${file}: "${name}" is ambiguous (${found})`);
      if (found.length) edges.push([file, found[0]]);
    }
  }
  return edges;
}
const cppPart = (file) => file.split('/')[1]; // wasm/<part>/...

// ---- The gallery: app/, client/, contract/, server/ and what they import of the package ----
const GALLERY_ALLOWED = {
  contract: ['package'],
  client: ['contract', 'package'],
  app: ['client', 'contract', 'package'],
  server: ['contract', 'package'],
};
const GALLERY_DIRS = ['app', 'client', 'contract', 'server'];
const PACKAGE_ENTRIES = new Set(['cipherlens', 'cipherlens/crypto', 'cipherlens/search']);
const PUBLIC_BUILDS = new Set(['js/dist/crypto.js', 'js/dist/search.js']);
const ANY_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*(?:\/\*[^*]*\*\/\s*)?|^\s*import\s+|^\s*export\s+[^'"]*?from\s*)(['"])([^'"]+)\1/gm;

/** The part a gallery import lands in: a gallery folder, the package (public) or its insides. */
function galleryTarget(file, spec) {
  if (!spec.startsWith('.')) {
    if (PACKAGE_ENTRIES.has(spec)) return 'package';
    return spec.startsWith('cipherlens/') ? 'package-internal' : undefined; // npm packages are no part
  }
  const target = relative(ROOT, resolve(ROOT, dirname(file), spec));
  if (PUBLIC_BUILDS.has(target)) return 'package';
  if (target.startsWith('js/')) return 'package-internal';
  return target.split('/')[0];
}

function galleryEdges() {
  const edges = [];
  for (const dir of GALLERY_DIRS) {
    for (const file of files(dir, (n) => /\.(ts|tsx|mjs|js)$/.test(n))) {
      if (file.includes('/node_modules/')) continue;
      for (const [, , spec] of readFileSync(join(ROOT, file), 'utf8').matchAll(ANY_IMPORT)) {
        const part = galleryTarget(file, spec);
        if (part) edges.push([file, part]);
      }
    }
  }
  return edges;
}
const galleryViolations = (edges) =>
  edges.filter(([from, to]) => {
    const part = from.split('/')[0];
    return part !== to && !GALLERY_ALLOWED[part].includes(to);
  });

test('the checker reports an import against the rule (crypto importing search)', () => {
  const edges = [
    ['js/src/crypto/keys.ts', 'js/src/search/clip.ts'],
    ['js/src/search/clip.ts', 'js/src/crypto/keys.ts'],
  ];
  assert.deepEqual(violations(edges, jsPart, JS_ALLOWED), [edges[0]]);
  const includes = [
    ['wasm/crypto/keys.cpp', 'wasm/search/index_file.hpp'],
    ['wasm/search/index_file.cpp', 'wasm/crypto/secretstream.hpp'],
  ];
  assert.deepEqual(violations(includes, cppPart, CPP_ALLOWED), [includes[0]]);
});

test('js/src: search may import crypto, crypto never imports search (runtime below both, remote above)', () => {
  const edges = jsEdges();
  assert.ok(
    edges.some(([a, b]) => jsPart(a) === 'search' && jsPart(b) === 'crypto'),
    'the graph was read',
  );
  assert.deepEqual(violations(edges, jsPart, JS_ALLOWED), []);
});

test('wasm/: search may include crypto, crypto never includes search (common below both)', () => {
  const edges = cppEdges();
  assert.ok(
    edges.some(([a, b]) => cppPart(a) === 'search' && cppPart(b) === 'crypto'),
    'the graph was read',
  );
  assert.deepEqual(violations(edges, cppPart, CPP_ALLOWED), []);
});

test('worker/ imports resolve to the package sources (js/src), before any build', () => {
  const configPath = join(ROOT, 'worker/tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options, fileNames } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
  let relativeImports = 0;
  for (const file of fileNames) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (!spec.startsWith('.')) continue;
      relativeImports++;
      const { resolvedModule } = ts.resolveModuleName(spec, file, options, ts.sys);
      assert.ok(resolvedModule, `${relative(ROOT, file)}: ${spec} does not resolve`);
      const target = relative(ROOT, resolvedModule.resolvedFileName);
      assert.match(target, /^(js\/src|worker)\/.*\.ts$/, `${relative(ROOT, file)}: ${spec} resolves to ${target}`);
    }
  }
  assert.ok(relativeImports > 5, 'worker/ was read');
});

test('the checker reports gallery imports against the rule', () => {
  const edges = [
    ['server/routes/files.mjs', galleryTarget('server/routes/files.mjs', '../../client/src/index.ts')],
    ['client/src/wire/api.ts', galleryTarget('client/src/wire/api.ts', '../../../app/src/store.js')],
    ['client/src/crypto.ts', galleryTarget('client/src/crypto.ts', '../../js/dist/remote/client.js')],
    ['app/src/search.ts', galleryTarget('app/src/search.ts', 'cipherlens/search')],
    ['contract/limits.mjs', galleryTarget('contract/limits.mjs', '../client/src/index.js')],
  ];
  assert.deepEqual(
    galleryViolations(edges).map(([from]) => from),
    ['server/routes/files.mjs', 'client/src/wire/api.ts', 'client/src/crypto.ts', 'contract/limits.mjs'],
  );
});

test('the gallery: app over client over contract, the server on the contract, all on public entries', () => {
  const edges = galleryEdges();
  for (const [from, to] of [
    ['app', 'client'],
    ['client', 'contract'],
    ['server', 'contract'],
    ['client', 'package'],
  ]) {
    assert.ok(
      edges.some(([a, b]) => a.startsWith(`${from}/`) && b === to),
      `the graph was read (${from} imports ${to})`,
    );
  }
  assert.deepEqual(galleryViolations(edges), []);
});
