/** One array holding `parts` in order (the part itself when there is only one). */
export function concat<T extends Uint8Array>(parts: T[]): T | Uint8Array<ArrayBuffer> {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
