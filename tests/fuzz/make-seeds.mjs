// Writes the committed seed corpus (tests/fuzz/corpus/<target>/<name>): a few inputs per target
// that reach its authentic paths, in the byte layout each target reads (see its header).
// Re-run after changing a target's layout: node tests/fuzz/make-seeds.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : Buffer.from(p))));
const u16 = (x) => Buffer.from([x & 255, x >> 8]);
const u32 = (x) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(x);
  return b;
};
const utf16 = (s) => Buffer.from(s, 'utf16le');

// A saved index's plaintext: dims 2, ids 7 and 9.
const plainIndex = (() => {
  const b = Buffer.alloc(16 + 2 * 8 + 2 * 2 * 4);
  b.write('CLIX', 0);
  b.writeUInt32LE(1, 4);
  b.writeUInt32LE(2, 8);
  b.writeUInt32LE(2, 12);
  b.writeBigUInt64LE(7n, 16);
  b.writeBigUInt64LE(9n, 24);
  [0.6, 0.8, 1, 0].forEach((x, i) => b.writeFloatLE(x, 32 + 4 * i));
  return b;
})();
const zstd = (b) => execFileSync('zstd', ['-q', '-c', '-3'], { input: b });
const abandon = (n, last) =>
  Array(n - 1)
    .fill('abandon')
    .join(' ') +
  ' ' +
  last;
const floats = (...xs) =>
  Buffer.concat(
    xs.map((x) => {
      const b = Buffer.alloc(4);
      b.writeFloatLE(x);
      return b;
    }),
  );

const seeds = {
  fuzz_base64: { original: bytes(0, 'aGVsbG8gd29ybGQ='), urlsafe_nopad: bytes(1, 'aGVsbG8_-w'), urlsafe: bytes(2, 'aGk=') },
  // mode (kind | tag << 2 | raw 0x80), corruption, where, then the plaintext or the raw box.
  fuzz_boxes: {
    blob: bytes(0, 0, u32(0), 'a thumbnail, or ML data'),
    blob_message_tag: bytes(0 | (1 << 2), 0, u32(0), 'tagged MESSAGE'),
    legacy: bytes(1 | (1 << 2), 0, u32(0), 'legacy data'),
    secretbox: bytes(2, 0, u32(0), Buffer.alloc(32, 7)),
    sealed: bytes(3, 0, u32(0), Buffer.alloc(32, 9)),
    secretbox_flip: bytes(2, 1, u32(5), 'flipped'),
    raw: bytes(0x83, 0, u32(0), Buffer.alloc(24 + 60, 1)),
  },
  // shape (0 mod 8: raw; 0x0c: two chunks, 0x10: the first FINAL; tag << 5), corruption, where,
  // slice count - 1, slices (u16 each), then the last chunk's plaintext.
  fuzz_stream: {
    one_chunk: bytes(1, 0, u32(0), 0, u16(100), 'the only chunk, tagged FINAL'),
    two_chunks: bytes(13, 0, u32(0), 1, u16(4096), u16(777), 'after a full 4 MiB chunk'),
    trailing: bytes(29, 0, u32(0), 0, u16(8191), 'after a FINAL chunk'),
    truncated: bytes(13, 2, u32(4194321), 0, u16(8191), 'cut at the chunk boundary'),
    message_tag: bytes(1 | (1 << 5), 0, u32(0), 0, u16(10), 'a short MESSAGE chunk'),
    raw: bytes(0, 0, u32(0), 0, u16(16), Buffer.alloc(24 + 40, 3)),
  },
  // choice (bit 0: demand (choice >> 1) % 13 + 12 words; 0x80: entropy round trip), then the phrase.
  fuzz_mnemonic: {
    twelve: bytes(0, abandon(12, 'about')),
    twentyfour: bytes(1 | (12 << 1), abandon(24, 'art')),
    spaced: bytes(0, ` abandon\t${abandon(11, 'about').replace(/ /g, '\n ')}`),
    entropy: bytes(0x80 | (4 << 1), Buffer.alloc(32, 0x5a)),
  },
  // mode (parse, frame, plain, envelope), then the body.
  fuzz_index: {
    parse: bytes(0, plainIndex),
    frame: bytes(1, zstd(plainIndex)),
    plain: bytes(2, plainIndex),
    envelope: bytes(3, 'CLIE', u32(1), Buffer.alloc(8 + 24 + 17)),
  },
  // mode (0 arbitrary plaintext pieces as u16 length + bytes, 1 an authentic snapshot edited, 2 a
  // sealed record), then for mode 1: dims - 1, u16 rows, edit count, edits (piece, kind, where).
  fuzz_compact: {
    intact: bytes(1, 5, u16(40), 0, 0),
    many_rows: bytes(1, 2, u16(299), 0, 0),
    byte_changed: bytes(1, 3, u16(70), 1, 2, 0, u16(17), 0x40, 0),
    piece_cut: bytes(1, 3, u16(70), 1, 2, 1, u16(100), 0),
    piece_dropped: bytes(1, 3, u16(70), 1, 1, 2, 0),
    plaintext: bytes(0, u16(12), 'CLCX garbage'),
    record: bytes(2, Buffer.alloc(60, 1), 3),
  },
  // dims - 1, then ops: kind (% 3: upsert, remove, search; 0x80 large id; 8 quantized), id,
  // floats, and for a search: limit, min score, candidates.
  fuzz_embedding: {
    upsert_search: bytes(
      1,
      0,
      3,
      floats(3, 4),
      0,
      4,
      floats(1, 0),
      2,
      0,
      floats(1, 1),
      5,
      0,
      0,
      8,
      0,
      floats(0.5, 0.5),
      5,
      64,
      2,
    ),
    remove: bytes(0, 0, 1, floats(2), 1, 1, floats(0)),
  },
  // mode (bit 0: ASCII), limit, then text.
  fuzz_tokenizer: {
    ascii: bytes(1, 74, 'a photo of a dog at the BEACH!!'),
    entities: bytes(0, 5, utf16('caf\u00e9 &amp; cr\u00e8me &#x41; \u65e5\u672c')),
    endoftext: bytes(1, 74, "<|endoftext|> don't"),
  },
  // mode (1 downscale, 2 uniform, 4 reverse, 0x70 sizes only), w - 1, h - 1, batch count - 1,
  // batches,
  // max side, skip, pixels.
  fuzz_preprocess: {
    landscape: bytes(0, u16(299), u16(199), 1, 7, 33, u16(0), u16(5), Buffer.from([10, 200, 30, 255, 90, 80, 70, 0])),
    thin: bytes(4, u16(0), u16(999), 0, 63, u16(0), u16(1), Buffer.from([255, 0, 128, 255])),
    downscale: bytes(1, u16(640), u16(479), 0, 15, u16(256), u16(0), Buffer.from([1, 2, 3, 4, 5])),
    uniform: bytes(2, u16(255), u16(255), 0, 1, u16(0), u16(0)),
    sizes: bytes(0x70, u32(65536), 0, u32(32768), 0),
  },
};

for (const [target, files] of Object.entries(seeds)) {
  const dir = join(root, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
}
