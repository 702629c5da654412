// The one input each of the MobileCLIP bench's child processes (ort-cpu.mjs, ort-profile.mjs)
// feeds: a tokenised query for the text encoder, a deterministic [1,3,256,256] tensor for images.
export function benchInput(ort, kind) {
  if (kind === 'text') {
    const ids = new Int32Array(77);
    [49406, 320, 1125, 539, 320, 1929, 525, 518, 2117, 49407].forEach((t, i) => {
      ids[i] = t;
    });
    return new ort.Tensor('int32', ids, [1, 77]);
  }
  return new ort.Tensor(
    'float32',
    new Float32Array(3 * 256 * 256).map((_, i) => ((i * 7) % 251) / 255),
    [1, 3, 256, 256],
  );
}
