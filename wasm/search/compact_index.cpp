#include "compact_index.hpp"

#include "embedding_kernels.hpp"
#include "little_endian.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <sodium.h>

namespace cl {
namespace {

constexpr uint8_t kPageMagic[4] = {'C', 'L', 'P', 'G'};
constexpr uint32_t kPageVersion = 1;
constexpr char kKdfContext[8] = {'c', 'l', 'c', 'o', 'm', 'p', 'c', 't'};

inline uint32_t hash_slot(uint64_t id, size_t mask) {
  return uint32_t((id * 0x9e3779b97f4a7c15ull) >> 32) & uint32_t(mask);
}

// The associated data of a record: what binds it to its index, page and position.
constexpr size_t kAdBytes = 4 + 4 + 16 + 8 + 4 + 4;
void record_ad(uint8_t ad[kAdBytes], const uint8_t uuid[16], uint64_t page, uint32_t record,
               uint32_t dims) {
  std::memcpy(ad, "CLRC", 4);
  put_u32(ad + 4, kPageVersion);
  std::memcpy(ad + 8, uuid, 16);
  put_u64(ad + 24, page);
  put_u32(ad + 32, record);
  put_u32(ad + 36, dims);
}
}  // namespace

CompactIndex::~CompactIndex() {
  while (!segments_.empty()) drop_last_segment();
  sodium_memzero(record_key_, sizeof record_key_);
  sodium_memzero(snapshot_key_, sizeof snapshot_key_);
}

void CompactIndex::swap(CompactIndex& o) noexcept {
  std::swap(dims_, o.dims_);
  std::swap(n_, o.n_);
  std::swap(groups_, o.groups_);
  std::swap(bits_, o.bits_);
  std::swap(rot_, o.rot_);
  for (size_t i = 0; i < 16; i++) std::swap(uuid_[i], o.uuid_[i]);
  for (size_t i = 0; i < 32; i++) {
    std::swap(record_key_[i], o.record_key_[i]);
    std::swap(snapshot_key_[i], o.snapshot_key_[i]);
  }
  segments_.swap(o.segments_);
  map_.swap(o.map_);
  pages_.swap(o.pages_);
  free_pages_.swap(o.free_pages_);
  deletable_.swap(o.deletable_);
  waiting_.swap(o.waiting_);
  std::swap(tail_, o.tail_);
  tail_bytes_.swap(o.tail_bytes_);
  std::swap(epoch_, o.epoch_);
  std::swap(counter_, o.counter_);
  staged_.swap(o.staged_);
  staged_codes_.swap(o.staged_codes_);
  staged_q8_.swap(o.staged_q8_);
  staged_bytes_.swap(o.staged_bytes_);
  staged_offsets_.swap(o.staged_offsets_);
  staged_page_index_.swap(o.staged_page_index_);
  staged_new_pages_.swap(o.staged_new_pages_);
  staged_records_.swap(o.staged_records_);
}

Status CompactIndex::create(size_t dims, int bits, const uint8_t key[32], const uint8_t* uuid,
                            const uint64_t* seed) {
  if (dims == 0 || dims > kMaxDims) return fail(kBadInput, "index dimension must be 1..65536");
  if (bits != 1 && bits != 2) return fail(kBadInput, "code bits must be 1 or 2");
  CompactIndex fresh;
  uint64_t s = 0;
  if (seed) {
    s = *seed;
  } else {
    randombytes_buf(&s, sizeof s);
  }
  if (Status st = fresh.rot_.init(dims, s)) return st;
  fresh.dims_ = dims;
  fresh.bits_ = bits;
  fresh.groups_ = compact::groups(fresh.rot_.rdims(), bits);
  if (uuid) {
    std::memcpy(fresh.uuid_, uuid, 16);
  } else {
    randombytes_buf(fresh.uuid_, 16);
  }
  crypto_kdf_derive_from_key(fresh.record_key_, 32, 1, kKdfContext, key);
  crypto_kdf_derive_from_key(fresh.snapshot_key_, 32, 2, kKdfContext, key);
  if (Status st =
          fresh.tail_bytes_.reserve_exact(kPageHeaderBytes + kPageRecords * fresh.record_bytes()))
    return st;
  fresh.choose_epoch();
  swap(fresh);
  return kOk;
}

void CompactIndex::choose_epoch() {
  // A fresh epoch that no page of this index uses: page names are never written twice.
  for (;;) {
    uint32_t e = randombytes_random();
    bool used = false;
    for (size_t i = 0; i < pages_.size() && !used; i++)
      used = !pages_[i].free && uint32_t(pages_[i].name >> 32) == e;
    if (!used) {
      epoch_ = e;
      counter_ = 0;
      return;
    }
  }
}

// ---- rows

size_t CompactIndex::segment_bytes() const {
  const size_t r = kSegmentRows;
  return r * (8 + 4 + 4 + 4 + 4) + (r / compact::kBlock) * compact::block_bytes(rdims(), bits_) +
         r * rdims();
}

CompactIndex::RowRef CompactIndex::row(size_t slot) const {
  const Segment& seg = segments_[slot / kSegmentRows];
  const size_t r = slot % kSegmentRows, R = kSegmentRows;
  uint8_t* p = seg.base;
  RowRef ref;
  ref.id = reinterpret_cast<uint64_t*>(p) + r;
  p += 8 * R;
  ref.loc = reinterpret_cast<uint32_t*>(p) + r;
  p += 4 * R;
  ref.f = reinterpret_cast<float*>(p) + r;
  p += 4 * R;
  ref.h = reinterpret_cast<float*>(p) + r;
  p += 4 * R;
  ref.scale = reinterpret_cast<float*>(p) + r;
  p += 4 * R;
  const size_t bb = compact::block_bytes(rdims(), bits_);
  ref.block = p + (r / compact::kBlock) * bb;
  ref.lane = r % compact::kBlock;
  p += (R / compact::kBlock) * bb;
  ref.q8 = reinterpret_cast<int8_t*>(p) + r * rdims();
  return ref;
}

Status CompactIndex::add_segment() {
  if (Status s = segments_.reserve(segments_.size() + 1)) return s;
  Segment seg;
  seg.bytes = segment_bytes();
  seg.base = static_cast<uint8_t*>(std::calloc(1, seg.bytes));
  if (!seg.base) return fail(kOutOfMemory, "not enough wasm memory for the index");
  segments_.push_back(seg);  // capacity reserved: cannot fail
  return kOk;
}

void CompactIndex::drop_last_segment() {
  Segment& seg = segments_.back();
  sodium_memzero(seg.base, seg.bytes);
  std::free(seg.base);
  segments_.truncate(segments_.size() - 1);
}

Status CompactIndex::ensure_rows(size_t n) {
  const size_t have = segments_.size();
  const size_t need = (n + kSegmentRows - 1) / kSegmentRows;
  for (size_t i = have; i < need; i++) {
    if (Status s = add_segment()) {
      while (segments_.size() > have) drop_last_segment();
      return s;
    }
  }
  return kOk;
}

void CompactIndex::copy_row(size_t dst, size_t src) {
  RowRef d = row(dst), s = row(src);
  *d.id = *s.id;
  *d.loc = *s.loc;
  *d.f = *s.f;
  *d.h = *s.h;
  *d.scale = *s.scale;
  std::memcpy(d.q8, s.q8, rdims());
  for (size_t g = 0; g < groups_; g++)
    compact::set_nibble(d.block, d.lane, g, compact::get_nibble(s.block, s.lane, g));
}

size_t CompactIndex::memory_bytes() const {
  size_t b = segments_.bytes() + map_.bytes() + pages_.bytes() + free_pages_.bytes() +
             deletable_.bytes() + waiting_.bytes() + tail_bytes_.bytes() + staged_.bytes() +
             staged_codes_.bytes() + staged_q8_.bytes() + staged_bytes_.bytes() +
             staged_offsets_.bytes() + staged_page_index_.bytes() + staged_new_pages_.bytes() +
             staged_records_.bytes() + 3 * rdims() * sizeof(float);
  for (size_t i = 0; i < segments_.size(); i++) b += segments_[i].bytes;
  return b;
}

// ---- id map

uint32_t CompactIndex::find(uint64_t id) const {
  if (map_.empty()) return kNoSlot;
  const size_t mask = map_.size() - 1;
  for (uint32_t i = hash_slot(id, mask);; i = (i + 1) & mask) {
    const uint32_t slot = map_[i];
    if (slot == kNoSlot) return kNoSlot;
    if (*row(slot).id == id) return slot;
  }
}

Status CompactIndex::ensure_map(size_t n) {
  size_t cap = 16;
  while (cap < 2 * n) cap <<= 1;  // load factor <= 1/2
  if (cap <= map_.size()) return kOk;
  CheckedArray<uint32_t> bigger;
  if (Status s = bigger.resize(cap)) return s;
  std::fill(bigger.data(), bigger.data() + cap, kNoSlot);
  map_.swap(bigger);
  for (size_t slot = 0; slot < n_; slot++) map_insert(*row(slot).id, uint32_t(slot));
  return kOk;
}

void CompactIndex::map_insert(uint64_t id, uint32_t slot) {
  const size_t mask = map_.size() - 1;
  uint32_t i = hash_slot(id, mask);
  while (map_[i] != kNoSlot) i = (i + 1) & mask;
  map_[i] = slot;
}

void CompactIndex::map_set(uint64_t id, uint32_t slot) {
  const size_t mask = map_.size() - 1;
  for (uint32_t i = hash_slot(id, mask);; i = (i + 1) & mask) {
    if (map_[i] != kNoSlot && *row(map_[i]).id == id) {
      map_[i] = slot;
      return;
    }
  }
}

void CompactIndex::map_erase(uint64_t id) {
  const size_t mask = map_.size() - 1;
  uint32_t i = hash_slot(id, mask);
  while (*row(map_[i]).id != id) i = (i + 1) & mask;
  // Backward-shift deletion: later entries of the probe run move up into the hole.
  for (uint32_t j = (i + 1) & mask; map_[j] != kNoSlot; j = (j + 1) & mask) {
    const uint32_t home = hash_slot(*row(map_[j]).id, mask);
    // Move j into i if its home is not cyclically within (i, j].
    const bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
    if (!stays) {
      map_[i] = map_[j];
      i = j;
    }
  }
  map_[i] = kNoSlot;
}

bool CompactIndex::locate(uint64_t id, uint32_t* page, uint32_t* record) const {
  const uint32_t slot = find(id);
  if (slot == kNoSlot) return false;
  const uint32_t loc = *row(slot).loc;
  *page = loc / kPageRecords;
  *record = loc % kPageRecords;
  return true;
}

// ---- pages

uint64_t CompactIndex::next_page_name() { return (uint64_t(epoch_) << 32) | counter_++; }

Status CompactIndex::new_page_entry(uint64_t name, uint32_t* index) {
  // Every list a page can land on holds all pages, so that commit() and remove() never allocate.
  const size_t total = pages_.size() + 1;
  if (Status s = pages_.reserve(total)) return s;
  if (Status s = free_pages_.reserve(total)) return s;
  if (Status s = deletable_.reserve(total)) return s;
  if (Status s = waiting_.reserve(total)) return s;
  PageEntry e{};
  e.name = name;
  if (!free_pages_.empty()) {
    *index = free_pages_.back();
    free_pages_.truncate(free_pages_.size() - 1);
    pages_[*index] = e;
  } else {
    *index = uint32_t(pages_.size());
    pages_.push_back(e);
  }
  return kOk;
}

void CompactIndex::page_emptied(uint32_t p) {
  PageEntry& e = pages_[p];
  if (p == tail_ || e.live != 0 || e.free) return;
  if (e.in_snapshot) {
    waiting_.push_back(p);  // reserved by new_page_entry
    return;
  }
  deletable_.push_back(e.name);
  e.free = 1;
  free_pages_.push_back(p);
}

void CompactIndex::record_dead(uint32_t loc) {
  const uint32_t p = loc / kPageRecords;
  if (pages_[p].live > 0) pages_[p].live--;
  page_emptied(p);
}

void CompactIndex::snapshot_committed() {
  for (size_t i = 0; i < waiting_.size(); i++) {
    PageEntry& e = pages_[waiting_[i]];
    if (e.live == 0 && !e.free && waiting_[i] != tail_) {
      deletable_.push_back(e.name);
      e.free = 1;
      free_pages_.push_back(waiting_[i]);
    }
  }
  waiting_.clear();
  for (size_t i = 0; i < pages_.size(); i++)
    if (!pages_[i].free) pages_[i].in_snapshot = 1;
}

Status CompactIndex::seal_record(uint8_t* out, uint64_t page_name, uint32_t record, uint64_t id,
                                 const float* v) const {
  // out: nonce (24) | ciphertext of (u64 id, dims floats) | tag (16)
  const size_t plain = record_plain_bytes();
  uint8_t* body = out + 24;
  put_u64(body, id);
  std::memcpy(body + 8, v, 4 * dims_);  // little-endian floats, as on every target we build
  randombytes_buf(out, 24);
  uint8_t ad[kAdBytes];
  record_ad(ad, uuid_, page_name, record, uint32_t(dims_));
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(body, &clen, body, plain, ad, kAdBytes, nullptr, out,
                                             record_key_);
  return kOk;
}

Status CompactIndex::open_record(const uint8_t* sealed, uint32_t page, uint32_t record,
                                 uint64_t* id, float* vector) const {
  if (page >= pages_.size() || pages_[page].free)
    return fail(kBadInput, "no such page in the index");
  const size_t plain = record_plain_bytes();
  CheckedArray<uint8_t> out;
  if (Status s = out.resize(plain)) return s;
  uint8_t ad[kAdBytes];
  record_ad(ad, uuid_, pages_[page].name, record, uint32_t(dims_));
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &mlen, nullptr, sealed + 24,
                                                 plain + 16, ad, kAdBytes, sealed,
                                                 record_key_) != 0)
    return fail(kAuthFailed, "a page record failed authentication");
  *id = get_u64(out.data());
  std::memcpy(vector, out.data() + 8, 4 * dims_);
  return kOk;  // out is wiped when it goes away
}

// ---- staged changes

uint64_t CompactIndex::staged_page_name(size_t i) const {
  return pages_[staged_page_index_[i]].name;
}
const uint8_t* CompactIndex::staged_page_bytes(size_t i) const {
  return staged_bytes_.data() + staged_offsets_[i];
}
size_t CompactIndex::staged_page_size(size_t i) const {
  return staged_offsets_[i + 1] - staged_offsets_[i];
}

void CompactIndex::abort_staged() {
  for (size_t i = 0; i < staged_new_pages_.size(); i++) {
    const uint32_t p = staged_new_pages_[i];
    pages_[p].free = 1;
    free_pages_.push_back(p);  // reserved by new_page_entry
  }
  staged_.release();
  staged_codes_.release();
  staged_q8_.release();
  staged_bytes_.release();
  staged_offsets_.release();
  staged_page_index_.release();
  staged_new_pages_.release();
  staged_records_.release();
}

Status CompactIndex::stage(const uint64_t* ids, const float* vectors, size_t n) {
  abort_staged();
  if (dims_ == 0) return fail(kBadInput, "index has no dimension");
  for (size_t i = 0; i < n; i++) {
    if (ids[i] > kMaxFileId) return fail(kBadInput, "file id must be an integer in 0 .. 2^53 - 1");
    if (inverse_norm(vectors + i * dims_, dims_) == 0)
      return fail(kBadInput, "embedding must be finite and non-zero");
  }
  // Later duplicates win: keep the last occurrence of each id, in batch order.
  CheckedArray<uint32_t> order;
  if (Status s = order.resize(n)) return s;
  for (size_t i = 0; i < n; i++) order[i] = uint32_t(i);
  std::sort(order.data(), order.data() + n,
            [&](uint32_t a, uint32_t b) { return ids[a] != ids[b] ? ids[a] < ids[b] : a < b; });
  size_t m = 0;
  for (size_t k = 0; k < n; k++)
    if (k + 1 == n || ids[order[k + 1]] != ids[order[k]]) order[m++] = order[k];
  std::sort(order.data(), order.data() + m);
  size_t added = 0;
  for (size_t k = 0; k < m; k++) added += find(ids[order[k]]) == kNoSlot;

  Status st = kOk;
  const size_t rd = rdims(), rb = record_bytes();
  const size_t tail_fill = tail_ != kNoSlot ? pages_[tail_].records : 0;
  const size_t first_room = tail_ != kNoSlot ? kPageRecords - tail_fill : 0;
  const size_t new_pages = m > first_room ? (m - first_room + kPageRecords - 1) / kPageRecords : 0;
  const size_t n_pages = (first_room > 0 && m > 0 ? 1 : 0) + new_pages;
  // Room for everything commit() will touch, before anything changes.
  if (!st) st = ensure_rows(n_ + added);
  if (!st) st = ensure_map(n_ + added);
  if (!st) st = staged_.resize(m);
  if (!st) st = staged_codes_.resize(m * groups_);
  if (!st) st = staged_q8_.resize(m * rd);
  if (!st) st = staged_offsets_.resize(n_pages + 1);
  if (!st) st = staged_page_index_.resize(n_pages);
  if (!st) st = staged_records_.resize(n_pages);
  if (!st) st = staged_new_pages_.reserve(new_pages);
  if (!st) st = staged_bytes_.resize(n_pages * kPageHeaderBytes + (tail_fill + m) * rb);
  CheckedArray<float> unit, rotated;
  if (!st) st = unit.resize(dims_);
  if (!st) st = rotated.resize(rd);
  // Pages: the tail first (its sealed records are kept byte for byte), then new ones.
  for (size_t p = 0; !st && p < n_pages; p++) {
    uint32_t index = 0;
    if (p == 0 && first_room > 0) {
      index = tail_;
    } else {
      st = new_page_entry(next_page_name(), &index);
      if (!st) staged_new_pages_.push_back(index);
    }
    if (!st) staged_page_index_[p] = index;
  }
  if (st) {
    abort_staged();
    return st;
  }
  size_t k = 0, at = 0;
  for (size_t p = 0; p < n_pages; p++) {
    const uint32_t index = staged_page_index_[p];
    const uint64_t name = pages_[index].name;
    uint8_t* page = staged_bytes_.data() + at;
    staged_offsets_[p] = at;
    size_t records = 0;
    if (index == tail_) {
      std::memcpy(page, tail_bytes_.data(), tail_bytes_.size());
      records = tail_fill;
    } else {
      std::memset(page, 0, kPageHeaderBytes);
      std::memcpy(page, kPageMagic, 4);
      put_u32(page + 4, kPageVersion);
      put_u64(page + 8, name);
      put_u32(page + 20, uint32_t(dims_));
      put_u32(page + 24, uint32_t(rb));
    }
    for (; records < kPageRecords && k < m; records++, k++) {
      const size_t i = order[k];
      const float* v = vectors + i * dims_;
      const float inv = inverse_norm(v, dims_);
      for (size_t d = 0; d < dims_; d++) unit[d] = v[d] * inv;
      seal_record(page + kPageHeaderBytes + records * rb, name, uint32_t(records), ids[i],
                  unit.data());
      rot_.apply(unit.data(), rotated.data());
      Staged& s = staged_[k];
      s.id = ids[i];
      s.loc = uint32_t(index * kPageRecords + records);
      compact::encode(rotated.data(), rd, bits_, staged_codes_.data() + k * groups_, &s.factors,
                      staged_q8_.data() + k * rd, &s.scale);
    }
    put_u32(page + 16, uint32_t(records));
    staged_records_[p] = uint32_t(records);
    at += kPageHeaderBytes + records * rb;
  }
  staged_offsets_[n_pages] = at;
  return kOk;
}

void CompactIndex::commit() {
  const size_t rd = rdims();
  const uint32_t old_tail = tail_;
  for (size_t k = 0; k < staged_.size(); k++) {
    const Staged& s = staged_[k];
    uint32_t slot = find(s.id);
    uint32_t dead = kNoSlot;
    if (slot == kNoSlot) {
      slot = uint32_t(n_++);
      RowRef r = row(slot);
      *r.id = s.id;
      map_insert(s.id, slot);
    } else {
      dead = *row(slot).loc;
    }
    RowRef r = row(slot);
    *r.loc = s.loc;
    *r.f = s.factors.f;
    *r.h = s.factors.h;
    *r.scale = s.scale;
    std::memcpy(r.q8, staged_q8_.data() + k * rd, rd);
    for (size_t g = 0; g < groups_; g++)
      compact::set_nibble(r.block, r.lane, g, staged_codes_[k * groups_ + g]);
    pages_[s.loc / kPageRecords].live++;
    if (dead != kNoSlot) record_dead(dead);
  }
  for (size_t p = 0; p < staged_page_index_.size(); p++)
    pages_[staged_page_index_[p]].records = staged_records_[p];
  const size_t last = staged_page_index_.size();
  if (last > 0) {
    const uint32_t index = staged_page_index_[last - 1];
    if (staged_records_[last - 1] < kPageRecords) {
      tail_ = index;
      tail_bytes_.clear();
      tail_bytes_.resize(staged_page_size(last - 1));  // capacity reserved at create
      std::memcpy(tail_bytes_.data(), staged_page_bytes(last - 1), tail_bytes_.size());
    } else {
      tail_ = kNoSlot;
      tail_bytes_.clear();
    }
  }
  if (old_tail != kNoSlot && old_tail != tail_) page_emptied(old_tail);
  staged_new_pages_.clear();  // committed: abort_staged() must not free them
  abort_staged();
}

bool CompactIndex::remove(uint64_t id) {
  const uint32_t slot = find(id);
  if (slot == kNoSlot) return false;
  const uint32_t loc = *row(slot).loc;
  const size_t last = n_ - 1;
  map_erase(id);
  if (slot != last) {
    copy_row(slot, last);
    map_set(*row(slot).id, slot);
  }
  // Wipe the vacated row (its codes too) and give back a segment once it is empty.
  RowRef r = row(last);
  *r.id = 0;
  *r.loc = 0;
  *r.f = *r.h = *r.scale = 0;
  sodium_memzero(r.q8, rdims());
  for (size_t g = 0; g < groups_; g++) compact::set_nibble(r.block, r.lane, g, 0);
  n_--;
  if (n_ % kSegmentRows == 0 && segments_.size() > n_ / kSegmentRows) drop_last_segment();
  record_dead(loc);
  return true;
}

}  // namespace cl
