#include "index_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <sodium.h>
#include <zstd.h>

#include "little_endian.hpp"
#include "nonnull.hpp"
#include "secretstream.hpp"

namespace cl {
namespace {

constexpr uint8_t kPlainMagic[4] = {'C', 'L', 'I', 'X'};
constexpr uint8_t kEnvelopeMagic[4] = {'C', 'L', 'I', 'E'};
constexpr uint32_t kFormatVersion = 1, kEnvelopeVersion = 1;
constexpr size_t kPlainHeaderBytes = 16;
constexpr int kZstdLevel = 3;
// The largest plaintext an index may declare: 1 GiB, about 520,000 photos at 512 dimensions.
// Loading holds the plaintext, the new index (vectors and their int8 copies) and the old one at
// once, so wasm's 4 GiB holds little more; above the cap, kBadInput before anything is inflated.
constexpr uint64_t kMaxPlainBytes = uint64_t(1) << 30;

// A byte buffer wiped when it goes away: it holds embeddings or their compressed form.
struct WipedBytes {
  std::vector<uint8_t> v;
  ~WipedBytes() { wipe_bytes(v.data(), v.capacity()); }
};

// A malloc'd block, wiped and freed when it goes away. Not a std::vector: in the wasm build a
// failing operator new aborts the module, so a heap too full for it must come back as
// kOutOfMemory instead.
struct WipedBlock {
  uint8_t* p = nullptr;
  size_t n = 0;
  WipedBlock() = default;
  WipedBlock(const WipedBlock&) = delete;
  WipedBlock& operator=(const WipedBlock&) = delete;
  ~WipedBlock() {
    if (p) sodium_memzero(p, n);
    std::free(p);
  }
  Status allocate(size_t len) {
    p = static_cast<uint8_t*>(std::malloc(len ? len : 1));
    n = p ? len : 0;
    return p ? kOk : fail(kOutOfMemory, "not enough wasm memory to load the index");
  }
};

// The plaintext length the header declares (kBadInput for a malformed header).
Status declared_length(const uint8_t* head, uint64_t* total) {
  if (std::memcmp(head, kPlainMagic, 4) != 0)
    return fail(kBadInput, "index data has a wrong magic");
  if (get_u32(head + 4) != kFormatVersion)
    return fail(kBadInput, "unsupported index format version");
  const uint64_t d = get_u32(head + 8), n = get_u32(head + 12);
  if (d == 0 || d > kMaxDims) return fail(kBadInput, "index dimension out of range");
  *total = kPlainHeaderBytes + n * 8 + n * d * 4;  // < 2^51: no overflow
  return kOk;
}

// Decompresses zstd frames into ob until it is full; kBadInput if they end first. A call may
// consume the last input and still hold output, so only a call without progress means the end.
// *r is the last call's result (0: a frame just ended).
Status inflate_into(ZSTD_DCtx* dctx, ZSTD_inBuffer& in, ZSTD_outBuffer& ob, size_t* r_out) {
  size_t& r = *r_out;
  while (ob.pos < ob.size) {
    const size_t in_before = in.pos, out_before = ob.pos;
    r = ZSTD_decompressStream(dctx, &ob, &in);
    if (ZSTD_isError(r)) return fail(kBadInput, "index data failed to decompress");
    if (ob.pos == ob.size) break;
    if (r == 0 && in.pos == in.size)
      return fail(kBadInput, "index data is shorter than its header declares");
    if (in.pos == in_before && ob.pos == out_before)
      return fail(kBadInput, "index data ends inside a zstd frame");
  }
  return kOk;
}

// kOk when the frames end with no output beyond what was read (one byte of room to notice it).
// `r` is inflate_into's last result: a call past the end of the last frame would start another.
Status inflate_end(ZSTD_DCtx* dctx, ZSTD_inBuffer& in, size_t r) {
  uint8_t extra = 0;
  while (!(r == 0 && in.pos == in.size)) {
    const size_t in_before = in.pos;
    ZSTD_outBuffer probe{&extra, 1, 0};
    r = ZSTD_decompressStream(dctx, &probe, &in);
    if (ZSTD_isError(r)) return fail(kBadInput, "index data failed to decompress");
    if (probe.pos) return fail(kBadInput, "index data is longer than its header declares");
    if (r != 0 && in.pos == in_before)
      return fail(kBadInput, "index data ends inside a zstd frame");
  }
  return kOk;
}

// Decompresses zstd frames (streaming, so frames without a recorded content size load too)
// into out, sized by the plaintext header inflated first: the output can never outgrow what the
// header declares, and a declaration above kMaxPlainBytes is refused before anything else.
Status inflate(const uint8_t* src, size_t len, WipedBlock& out) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (!dctx) return fail(kOutOfMemory, "zstd context allocation failed");
  uint8_t head[kPlainHeaderBytes] = {0};
  ZSTD_inBuffer in{src, len, 0};
  ZSTD_outBuffer ob{head, sizeof head, 0};
  uint64_t total = 0;
  size_t r = 1;
  Status status = inflate_into(dctx, in, ob, &r);
  if (status == kOk) status = declared_length(head, &total);
  if (status == kOk && total > kMaxPlainBytes)
    status = fail(kBadInput, "index data declares more than the 1 GiB cap");
  if (status == kOk) status = out.allocate(size_t(total));
  if (status == kOk) {
    std::memcpy(out.p, head, sizeof head);
    ob = ZSTD_outBuffer{out.p, out.n, sizeof head};
    status = inflate_into(dctx, in, ob, &r);
  }
  if (status == kOk) status = inflate_end(dctx, in, r);
  ZSTD_freeDCtx(dctx);
  sodium_memzero(head, sizeof head);
  return status;
}

// Whether `bytes` could be allocated now: the index's rows live in std::vectors, whose
// allocation failure aborts the wasm module, so loading checks for room first.
bool heap_has_room(size_t bytes) {
  void* p = std::malloc(bytes);
  std::free(p);
  return p != nullptr;
}

}  // namespace

void index_serialize(const EmbeddingIndex& index, std::vector<uint8_t>& plain) {
  const size_t n = index.size(), d = index.dims();
  plain.assign(kPlainHeaderBytes + n * 8 + n * d * 4, 0);
  uint8_t* p = plain.data();
  std::memcpy(p, kPlainMagic, 4);
  put_u32(p + 4, kFormatVersion);
  put_u32(p + 8, uint32_t(d));
  put_u32(p + 12, uint32_t(n));
  uint8_t* ids = p + kPlainHeaderBytes;
  uint8_t* vecs = ids + n * 8;
  for (size_t r = 0; r < n; r++) {
    put_u64(ids + r * 8, index.id_at(r));
    // float32 little-endian: the host layout on wasm and every supported native target.
    std::memcpy(vecs + r * d * 4, index.vector_at(r), d * 4);
  }
}

Status index_parse(EmbeddingIndex& out, const uint8_t* plain, size_t len) {
  if (len < kPlainHeaderBytes) return fail(kBadInput, "index data is shorter than its header");
  uint64_t total = 0;
  if (Status s = declared_length(plain, &total)) return s;
  const uint64_t d = get_u32(plain + 8), n = get_u32(plain + 12);
  if (len != total)
    return fail(kBadInput, "index data length does not match its dimension and count");
  // The new index's float rows and int8 copies, about 5 bytes per plaintext vector byte.
  if (!heap_has_room(size_t(n * d * 5)))
    return fail(kOutOfMemory, "not enough wasm memory to load the index");
  EmbeddingIndex fresh;
  fresh.reset(size_t(d));
  if (Status s = fresh.reserve(size_t(n))) return s;
  const uint8_t* ids = plain + kPlainHeaderBytes;
  const uint8_t* vecs = ids + n * 8;
  std::vector<float> row(d);
  for (uint64_t r = 0; r < n; r++) {
    std::memcpy(row.data(), vecs + r * d * 4, d * 4);
    if (Status s = fresh.insert_normalized(get_u64(ids + r * 8), row.data())) {
      sodium_memzero(row.data(), row.size() * 4);
      return s;
    }
  }
  sodium_memzero(row.data(), row.size() * 4);
  out.swap(fresh);  // the old contents are wiped by fresh's destructor
  return kOk;
}

Status index_save(const EmbeddingIndex& index, const uint8_t key[32], std::vector<uint8_t>& out) {
  if (index.dims() == 0) return fail(kBadInput, "index has no dimension");
  WipedBytes plain, packed;
  index_serialize(index, plain.v);
  packed.v.resize(ZSTD_compressBound(plain.v.size()));
  size_t zlen =
      ZSTD_compress(packed.v.data(), packed.v.size(), plain.v.data(), plain.v.size(), kZstdLevel);
  if (ZSTD_isError(zlen)) return fail(kOutOfMemory, "zstd compression failed");
  const size_t clen = zlen + kStreamOverhead;
  out.assign(kIndexEnvelopeBytes + clen, 0);
  std::memcpy(out.data(), kEnvelopeMagic, 4);
  put_u32(out.data() + 4, kEnvelopeVersion);
  put_u64(out.data() + 8, clen);
  return blob_encrypt(out.data() + kIndexEnvelopeBytes, out.data() + 16, packed.v.data(), zlen,
                      key);
}

Status index_load(EmbeddingIndex& index, const uint8_t* data, size_t len, const uint8_t key[32]) {
  if (len < 8) return fail(kTruncated, "index bytes end inside the envelope header");
  if (std::memcmp(data, kEnvelopeMagic, 4) != 0)
    return fail(kBadInput, "not a saved cipherlens index (wrong magic)");
  if (get_u32(data + 4) != kEnvelopeVersion)
    return fail(kBadInput, "unsupported index envelope version");
  if (len < kIndexEnvelopeBytes)
    return fail(kTruncated, "index bytes end inside the envelope header");
  const uint64_t clen = get_u64(data + 8);
  if (clen < kStreamOverhead) return fail(kBadInput, "index ciphertext length is invalid");
  if (len - kIndexEnvelopeBytes < clen)
    return fail(kTruncated, "index bytes end before the ciphertext does");
  if (len - kIndexEnvelopeBytes > clen)
    return fail(kBadInput, "trailing bytes after the index ciphertext");

  WipedBlock packed, plain;
  if (Status s = packed.allocate(size_t(clen - kStreamOverhead))) return s;
  if (Status s = blob_decrypt(packed.p, data + kIndexEnvelopeBytes, size_t(clen), data + 16, key))
    return s;

  // Authentic from here on: what remains can only be a malformed writer, hence kBadInput.
  if (Status s = inflate(packed.p, packed.n, plain)) return s;
  return index_parse(index, plain.p, plain.n);
}

}  // namespace cl
