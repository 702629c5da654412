// The canonical byte encoding of every statement the gallery signs (docs/formats.md,
// "Canonical statements"): a tag naming the statement and its version, then its fields in the
// order its schema lists them, each in one fixed form. One value has exactly one encoding, and
// decoding refuses anything else (a trailing byte, a non-NFC text, a number over 2^53 - 1), so
// the bytes a signature covers are the only way to say what it says. Written by hand: a fixed
// schema needs no general serialiser, and this one has no choices to get wrong.
import { TrustError } from './errors.js';

/**
 * u8: one byte (small enumerations); u64: 8 bytes big-endian, at most 2^53 - 1 (a JS safe
 * integer); bytes32: exactly 32 bytes (keys, hashes); text: u32 big-endian length, then UTF-8
 * in Unicode NFC.
 */
export type FieldType = 'u8' | 'u64' | 'bytes32' | 'text';
export type Schema = readonly (readonly [name: string, type: FieldType])[];
type ValueOf<T extends FieldType> = T extends 'u8' | 'u64' ? number : T extends 'text' ? string : Uint8Array;
/** The values of a schema's fields, by name. */
export type Fields<S extends Schema> = { -readonly [F in S[number] as F[0]]: ValueOf<F[1]> };

/** The longest text field, in UTF-8 bytes (an email address is at most 254). */
export const MAX_TEXT_BYTES = 1024;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const malformed = (why: string) => new TrustError('malformed', `not a canonical statement: ${why}`);

export class Writer {
  private parts: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array) {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  tag(tag: string): this {
    const bytes = utf8.encode(tag);
    if (bytes.length === 0 || bytes.length > 255) throw new RangeError(`tag ${tag} must be 1-255 bytes`);
    this.push(Uint8Array.of(bytes.length));
    this.push(bytes);
    return this;
  }

  field(name: string, type: FieldType, value: unknown): this {
    switch (type) {
      case 'u8':
        if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 255)
          throw new RangeError(`${name} must be an integer in [0, 255]`);
        this.push(Uint8Array.of(value as number));
        break;
      case 'u64': {
        if (!Number.isSafeInteger(value) || (value as number) < 0) throw new RangeError(`${name} must be a safe integer >= 0`);
        const out = new Uint8Array(8);
        const view = new DataView(out.buffer);
        view.setUint32(0, Math.floor((value as number) / 2 ** 32));
        view.setUint32(4, (value as number) >>> 0);
        this.push(out);
        break;
      }
      case 'bytes32':
        if (!(value instanceof Uint8Array) || value.length !== 32) throw new RangeError(`${name} must be 32 bytes`);
        this.push(value.slice());
        break;
      case 'text': {
        if (typeof value !== 'string' || value !== value.normalize('NFC')) throw new RangeError(`${name} must be an NFC string`);
        const bytes = utf8.encode(value);
        if (bytes.length > MAX_TEXT_BYTES) throw new RangeError(`${name} is over ${MAX_TEXT_BYTES} bytes`);
        const length = new Uint8Array(4);
        new DataView(length.buffer).setUint32(0, bytes.length);
        this.push(length);
        this.push(bytes);
        break;
      }
    }
    return this;
  }

  fields<S extends Schema>(schema: S, values: Fields<S>): this {
    for (const [name, type] of schema) this.field(name, type, (values as Record<string, unknown>)[name]);
    return this;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly input: Uint8Array) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  private take(n: number): Uint8Array {
    if (this.at + n > this.input.length) throw malformed('it ends early');
    const out = this.input.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** Reads the tag and checks that it is `expected`. */
  tag(expected: string): this {
    const want = utf8.encode(expected);
    const length = this.take(1)[0];
    const got = this.take(length);
    if (length !== want.length || got.some((b, i) => b !== want[i])) throw malformed(`not a ${expected}`);
    return this;
  }

  field(type: FieldType): number | string | Uint8Array {
    switch (type) {
      case 'u8':
        return this.take(1)[0];
      case 'u64': {
        const at = this.at;
        this.take(8);
        const high = this.view.getUint32(at);
        if (high >= 0x200000) throw malformed('a number over 2^53 - 1');
        return high * 2 ** 32 + this.view.getUint32(at + 4);
      }
      case 'bytes32':
        return this.take(32).slice();
      case 'text': {
        const at = this.at;
        this.take(4);
        const length = this.view.getUint32(at);
        if (length > MAX_TEXT_BYTES) throw malformed('a text over its limit');
        let text: string;
        try {
          text = fromUtf8.decode(this.take(length));
        } catch {
          throw malformed('a text that is not UTF-8');
        }
        if (text !== text.normalize('NFC')) throw malformed('a text not in NFC');
        return text;
      }
    }
  }

  fields<S extends Schema>(schema: S): Fields<S> {
    const out: Record<string, unknown> = {};
    for (const [name, type] of schema) out[name] = this.field(type);
    return out as Fields<S>;
  }

  /** Checks that nothing follows. */
  end(): void {
    if (this.at !== this.input.length) throw malformed('bytes after its last field');
  }
}

/** The canonical bytes of a statement: `tag`, then `values` in `schema`'s order. */
export function encodeStatement<S extends Schema>(tag: string, schema: S, values: Fields<S>): Uint8Array<ArrayBuffer> {
  return new Writer().tag(tag).fields(schema, values).bytes();
}

/** A statement's fields; TrustError 'malformed' unless `bytes` are canonical for `tag` and `schema`. */
export function decodeStatement<S extends Schema>(tag: string, schema: S, bytes: Uint8Array): Fields<S> {
  const r = new Reader(bytes).tag(tag);
  const out = r.fields(schema);
  r.end();
  return out;
}
