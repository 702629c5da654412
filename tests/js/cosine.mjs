// Cosine similarity of two equal-length numeric arrays: how close two embeddings point, whatever
// their lengths (shared by the MobileCLIP stand-in test and bench).
export function cosine(a, b) {
  let d = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}
