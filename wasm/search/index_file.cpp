#include "index_file.hpp"

#include <algorithm>
#include <cstring>

#include <sodium.h>
#include <zstd.h>

#include "nonnull.hpp"
#include "secretstream.hpp"

namespace cl {
namespace {

constexpr uint8_t kPlainMagic[4] = {'C', 'L', 'I', 'X'};
constexpr uint8_t kEnvelopeMagic[4] = {'C', 'L', 'I', 'E'};
constexpr uint32_t kFormatVersion = 1, kEnvelopeVersion = 1;
constexpr size_t kPlainHeaderBytes = 16;
constexpr int kZstdLevel = 3;
// Sanity cap on what a frame may claim to decompress to (wasm memory is 4 GiB at most).
constexpr uint64_t kMaxPlainBytes = uint64_t(3) << 30;

// A byte buffer wiped when it goes away: it holds embeddings or their compressed form.
struct WipedBytes {
  std::vector<uint8_t> v;
  ~WipedBytes() { wipe_bytes(v.data(), v.capacity()); }
};

void put_u32(uint8_t* p, uint32_t x) { for (int i = 0; i < 4; i++) p[i] = uint8_t(x >> (8 * i)); }
void put_u64(uint8_t* p, uint64_t x) { for (int i = 0; i < 8; i++) p[i] = uint8_t(x >> (8 * i)); }
uint32_t get_u32(const uint8_t* p) {
  uint32_t x = 0;
  for (int i = 0; i < 4; i++) x |= uint32_t(p[i]) << (8 * i);
  return x;
}
uint64_t get_u64(const uint8_t* p) {
  uint64_t x = 0;
  for (int i = 0; i < 8; i++) x |= uint64_t(p[i]) << (8 * i);
  return x;
}

// Decompresses zstd frames into out.v (resized to the exact length). Streaming, so frames
// written without a recorded content size (e.g. `zstd` reading a pipe) load too.
Status inflate(const uint8_t* src, size_t len, WipedBytes& out) {
  unsigned long long hint = ZSTD_getFrameContentSize(src, len);
  if (hint == ZSTD_CONTENTSIZE_ERROR) return fail(kBadInput, "index data is not a zstd frame");
  size_t cap = hint != ZSTD_CONTENTSIZE_UNKNOWN && hint <= kMaxPlainBytes ? size_t(hint) + 1
                                                                          : std::max<size_t>(len * 4, 1 << 16);
  out.v.resize(cap);
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (!dctx) return fail(kOutOfMemory, "zstd context allocation failed");
  ZSTD_inBuffer in{src, len, 0};
  ZSTD_outBuffer ob{out.v.data(), out.v.size(), 0};
  Status status = kOk;
  for (;;) {
    size_t r = ZSTD_decompressStream(dctx, &ob, &in);
    if (ZSTD_isError(r)) { status = fail(kBadInput, "index data failed to decompress"); break; }
    if (r == 0 && in.pos == in.size) break;  // every frame complete
    if (ob.pos == ob.size) {
      if (out.v.size() >= kMaxPlainBytes) { status = fail(kBadInput, "index data decompresses to too much"); break; }
      WipedBytes bigger;
      bigger.v.resize(std::min<size_t>(out.v.size() * 2, kMaxPlainBytes));
      std::memcpy(bigger.v.data(), out.v.data(), ob.pos);
      out.v.swap(bigger.v);
      ob.dst = out.v.data();
      ob.size = out.v.size();
    } else if (in.pos == in.size) {
      status = fail(kBadInput, "index data ends inside a zstd frame");
      break;
    }
  }
  ZSTD_freeDCtx(dctx);
  if (status == kOk) out.v.resize(ob.pos);
  return status;
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
  if (std::memcmp(plain, kPlainMagic, 4) != 0) return fail(kBadInput, "index data has a wrong magic");
  if (get_u32(plain + 4) != kFormatVersion) return fail(kBadInput, "unsupported index format version");
  const uint64_t d = get_u32(plain + 8), n = get_u32(plain + 12);
  if (d == 0 || d > kMaxDims) return fail(kBadInput, "index dimension out of range");
  if (len != kPlainHeaderBytes + n * 8 + n * d * 4)
    return fail(kBadInput, "index data length does not match its dimension and count");
  EmbeddingIndex fresh;
  fresh.reset(size_t(d));
  fresh.reserve(size_t(n));
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
  size_t zlen = ZSTD_compress(packed.v.data(), packed.v.size(), plain.v.data(), plain.v.size(), kZstdLevel);
  if (ZSTD_isError(zlen)) return fail(kOutOfMemory, "zstd compression failed");
  const size_t clen = zlen + kStreamOverhead;
  out.assign(kIndexEnvelopeBytes + clen, 0);
  std::memcpy(out.data(), kEnvelopeMagic, 4);
  put_u32(out.data() + 4, kEnvelopeVersion);
  put_u64(out.data() + 8, clen);
  return blob_encrypt(out.data() + kIndexEnvelopeBytes, out.data() + 16, packed.v.data(), zlen, key);
}

Status index_load(EmbeddingIndex& index, const uint8_t* data, size_t len, const uint8_t key[32]) {
  if (len < 8) return fail(kTruncated, "index bytes end inside the envelope header");
  if (std::memcmp(data, kEnvelopeMagic, 4) != 0) return fail(kBadInput, "not a saved cipherlens index (wrong magic)");
  if (get_u32(data + 4) != kEnvelopeVersion) return fail(kBadInput, "unsupported index envelope version");
  if (len < kIndexEnvelopeBytes) return fail(kTruncated, "index bytes end inside the envelope header");
  const uint64_t clen = get_u64(data + 8);
  if (clen < kStreamOverhead) return fail(kBadInput, "index ciphertext length is invalid");
  if (len - kIndexEnvelopeBytes < clen) return fail(kTruncated, "index bytes end before the ciphertext does");
  if (len - kIndexEnvelopeBytes > clen) return fail(kBadInput, "trailing bytes after the index ciphertext");

  WipedBytes packed, plain;
  packed.v.resize(size_t(clen - kStreamOverhead));
  if (Status s = blob_decrypt(packed.v.data(), data + kIndexEnvelopeBytes, size_t(clen), data + 16, key)) return s;

  // Authentic from here on: what remains can only be a malformed writer, hence kBadInput.
  if (Status s = inflate(packed.v.data(), packed.v.size(), plain)) return s;
  return index_parse(index, plain.v.data(), plain.v.size());
}

}  // namespace cl
