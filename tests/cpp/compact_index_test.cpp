// Compact index: the fast-scan kernel against its scalar reference at every boundary, the
// rotation and the code estimates against direct computation, search against exact search
// (equal when everything is re-ranked, recall >= 0.99 with the defaults), upserts, removals and
// page bookkeeping against a model, and snapshots: round trips, and every way of breaking the
// pieces detected with the live index untouched.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "compact_codes.hpp"
#include "compact_index.hpp"
#include "compact_snapshot.hpp"
#include "test_helpers.hpp"

using namespace cl;

namespace {

// A compact index with its page store (name -> bytes) and the unit vectors it should hold.
struct Harness {
  CompactIndex index;
  std::map<uint64_t, std::vector<uint8_t>> pages;
  std::map<uint64_t, std::vector<float>> model;
  uint8_t key[32];

  explicit Harness(size_t dims, int bits = 2) {
    auto k = random_vec(32);
    std::memcpy(key, k.data(), 32);
    REQUIRE(index.create(dims, bits, key) == kOk);
  }

  static std::vector<float> unit(const float* v, size_t d) {
    double ss = 0;
    for (size_t i = 0; i < d; i++) ss += double(v[i]) * v[i];
    const float inv = float(1.0 / std::sqrt(ss));
    std::vector<float> u(d);
    for (size_t i = 0; i < d; i++) u[i] = v[i] * inv;
    return u;
  }

  void take_deletable() {
    const auto& d = index.deletable();
    for (size_t i = 0; i < d.size(); i++) REQUIRE(pages.erase(d[i]) == 1);
    index.deletable_taken();
  }

  void upsert(const std::vector<uint64_t>& ids, const std::vector<float>& vecs) {
    const size_t d = index.dims();
    REQUIRE(index.stage(ids.data(), vecs.data(), ids.size()) == kOk);
    for (size_t p = 0; p < index.staged_pages(); p++) {
      const uint8_t* b = index.staged_page_bytes(p);
      pages[index.staged_page_name(p)].assign(b, b + index.staged_page_size(p));
    }
    index.commit();
    for (size_t i = 0; i < ids.size(); i++) model[ids[i]] = unit(vecs.data() + i * d, d);
    take_deletable();
  }

  bool remove(uint64_t id) {
    bool r = index.remove(id);
    REQUIRE(r == (model.erase(id) == 1));
    take_deletable();
    return r;
  }

  std::vector<uint8_t> record_of(uint32_t page, uint32_t record) {
    auto it = pages.find(index.page(page).name);
    REQUIRE(it != pages.end());
    const size_t rb = index.record_bytes(), at = kPageHeaderBytes + record * rb;
    REQUIRE(it->second.size() >= at + rb);
    return std::vector<uint8_t>(it->second.begin() + at, it->second.begin() + at + rb);
  }

  std::vector<Hit> search(const float* q, CompactSearchOptions opt,
                          CompactSearchStats* stats = nullptr) {
    CheckedArray<Candidate> cands;
    REQUIRE(index.candidates(q, opt, cands, stats) == kOk);
    std::vector<uint8_t> sealed;
    for (size_t i = 0; i < cands.size(); i++) {
      auto r = record_of(cands[i].loc / kPageRecords, cands[i].loc % kPageRecords);
      sealed.insert(sealed.end(), r.begin(), r.end());
    }
    CheckedArray<Hit> hits;
    REQUIRE(index.rerank(q, cands.data(), cands.size(), sealed.data(), opt.limit, opt.min_score,
                         hits) == kOk);
    return std::vector<Hit>(hits.data(), hits.data() + hits.size());
  }

  // Exact search over the model, scored as rerank() scores (float, in dimension order).
  std::vector<Hit> exact(const float* q, size_t limit, float min_score = -2) {
    auto u = unit(q, index.dims());
    std::vector<Hit> out;
    for (auto& [id, v] : model) {
      float s = 0;
      for (size_t i = 0; i < v.size(); i++) s += u[i] * v[i];
      if (s >= min_score) out.push_back({id, s});
    }
    std::sort(out.begin(), out.end(),
              [](const Hit& a, const Hit& b) { return ranks_before(a, b); });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  // Every row's record is in a stored page and opens to the model's vector.
  void check_consistent() {
    REQUIRE(index.size() == model.size());
    std::vector<float> v(index.dims());
    for (auto& [id, want] : model) {
      uint32_t page = 0, record = 0;
      REQUIRE(index.locate(id, &page, &record));
      auto sealed = record_of(page, record);
      uint64_t got = 0;
      REQUIRE(index.open_record(sealed.data(), page, record, &got, v.data()) == kOk);
      REQUIRE(got == id);
      REQUIRE(std::memcmp(v.data(), want.data(), 4 * v.size()) == 0);
    }
    // Pages without a live record are gone from the store unless a snapshot still needs them.
    for (size_t p = 0; p < index.page_count(); p++) {
      const PageEntry& e = index.page(uint32_t(p));
      if (!e.free && e.live > 0) REQUIRE(pages.count(e.name) == 1);
    }
  }
};

void require_same(const std::vector<Hit>& got, const std::vector<Hit>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); i++) {
    CAPTURE(i);
    REQUIRE(got[i].id == want[i].id);
    REQUIRE(got[i].score == want[i].score);
  }
}

// Seeded mixture of Gaussians on the sphere: `clusters` random centres, points = centre + noise.
std::vector<float> clustered(std::mt19937& rng, size_t n, size_t d, size_t clusters, float spread) {
  auto centres = gaussian(rng, clusters * d);
  std::uniform_int_distribution<size_t> pick(0, clusters - 1);
  std::normal_distribution<float> g(0, spread);
  std::vector<float> out(n * d);
  for (size_t i = 0; i < n; i++) {
    const float* c = &centres[pick(rng) * d];
    for (size_t j = 0; j < d; j++) out[i * d + j] = c[j] + g(rng);
  }
  return out;
}

}  // namespace

TEST_CASE("fast scan equals its scalar reference for every group count and nibble", "[compact]") {
  std::mt19937 rng(seed_for(1));
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t groups : {1, 2, 3, 8, 64, 255, 256, 257, 300, 512, 1024}) {
    CAPTURE(groups);
    std::vector<uint8_t> block(groups * 16), lut(groups * 16);
    for (int round = 0; round < 3; round++) {
      for (auto& b : block) b = uint8_t(byte(rng));
      for (auto& b : lut) b = round == 2 ? 255 : uint8_t(byte(rng));  // extremes too
      uint32_t a[32], b[32];
      compact::scan_block(block.data(), lut.data(), groups, a);
      compact::scan_block_scalar(block.data(), lut.data(), groups, b);
      REQUIRE(std::memcmp(a, b, sizeof a) == 0);
    }
  }
}

TEST_CASE("the pruning mask equals its scalar reference for every lane count and at the bound",
          "[compact]") {
  std::mt19937 rng(seed_for(11));
  std::uniform_real_distribution<float> unit(-1, 1);
  std::uniform_int_distribution<uint32_t> sum(0, 300000);
  const uint32_t extremes[] = {0, 1, 65535, (1u << 24) + 1, 0xffffffffu};
  for (size_t lanes = 0; lanes <= compact::kBlock; lanes++) {
    CAPTURE(lanes);
    for (int round = 0; round < 8; round++) {
      CAPTURE(round);
      alignas(16) uint32_t sums[compact::kBlock];
      alignas(16) float f[compact::kBlock], h[compact::kBlock];
      for (size_t k = 0; k < compact::kBlock; k++) {
        sums[k] = round == 1 ? extremes[k % 5] : sum(rng);
        f[k] = round == 2 ? 0.0f : unit(rng) * 3;
        h[k] = round == 3 ? 0.0f : std::abs(unit(rng));
      }
      const float step = 1e-5f * (1 + unit(rng)), base = unit(rng), eps = 0.1f;
      float tau = unit(rng);
      if (round == 4) tau = -INFINITY;  // fewer than k found yet: every lane passes
      if (round == 5) tau = INFINITY;
      if (round >= 6) {
        // tau exactly on some lane's bound (>= must hold there), then a float just above it.
        const size_t k = size_t(rng() % compact::kBlock);
        tau = (float(sums[k]) * step + base) * f[k] + eps * h[k];
        if (round == 7) tau = std::nextafter(tau, INFINITY);
      }
      const uint32_t simd = compact::passing_lanes(sums, f, h, step, base, eps, tau, lanes);
      const uint32_t scalar =
          compact::passing_lanes_scalar(sums, f, h, step, base, eps, tau, lanes);
      REQUIRE(simd == scalar);
      if (lanes < compact::kBlock) REQUIRE(simd >> lanes == 0);  // lanes past the rows never pass
      if (round == 4) REQUIRE(simd == (lanes == 32 ? 0xffffffffu : (1u << lanes) - 1));
      if (round == 5) REQUIRE(simd == 0);
    }
  }
}

TEST_CASE("nibbles land in the lanes the scan reads", "[compact]") {
  std::vector<uint8_t> block(4 * 16, 0);
  for (size_t lane = 0; lane < 32; lane++)
    for (size_t g = 0; g < 4; g++)
      compact::set_nibble(block.data(), lane, g, uint8_t((lane + g) & 15));
  for (size_t lane = 0; lane < 32; lane++)
    for (size_t g = 0; g < 4; g++)
      REQUIRE(compact::get_nibble(block.data(), lane, g) == ((lane + g) & 15));
}

TEST_CASE("the rotation is orthogonal for every dimension", "[compact]") {
  std::mt19937 rng(seed_for(2));
  for (size_t d : {1, 2, 3, 15, 16, 17, 31, 33, 80, 500, 512, 513}) {
    CAPTURE(d);
    compact::Rotation rot;
    REQUIRE(rot.init(d, rng()) == kOk);
    REQUIRE(rot.rdims() >= d);
    REQUIRE(rot.rdims() >= 16);
    REQUIRE((rot.rdims() & (rot.rdims() - 1)) == 0);
    auto x = gaussian(rng, d), y = gaussian(rng, d);
    std::vector<float> rx(rot.rdims()), ry(rot.rdims());
    rot.apply(x.data(), rx.data());
    rot.apply(y.data(), ry.data());
    double xy = 0, rxy = 0, xx = 0, rxx = 0;
    for (size_t i = 0; i < d; i++) xy += double(x[i]) * y[i], xx += double(x[i]) * x[i];
    for (size_t i = 0; i < rot.rdims(); i++)
      rxy += double(rx[i]) * ry[i], rxx += double(rx[i]) * rx[i];
    REQUIRE(std::fabs(rxx - xx) <= 1e-4 * xx);
    REQUIRE(std::fabs(rxy - xy) <= 1e-4 * xx + 1e-4);
  }
}

TEST_CASE("code scores equal <xhat, q> within the tables' rounding; estimates are bounded",
          "[compact]") {
  // A fixed seed, not the run's: the count of estimates outside RaBitQ's bound is a statistical
  // property, and with run seeds 5 of 100 runs drew 3 misses in 200 (CI failed on one).
  std::mt19937 rng(3);
  for (int bits : {1, 2}) {
    for (size_t rd : {16, 64, 512, 1024}) {
      CAPTURE(bits, rd);
      const size_t g = compact::groups(rd, bits);
      auto q = Harness::unit(gaussian(rng, rd).data(), rd);
      compact::QueryLut lut;
      REQUIRE(lut.build(q.data(), rd, bits) == kOk);
      size_t outside = 0;
      for (int t = 0; t < 200; t++) {
        auto r = Harness::unit(gaussian(rng, rd).data(), rd);
        std::vector<uint8_t> nib(g);
        std::vector<int8_t> q8(rd);
        compact::VectorFactors f;
        float scale;
        compact::encode(r.data(), rd, bits, nib.data(), &f, q8.data(), &scale);
        // <xhat, q> straight from the levels.
        double direct = 0;
        const size_t per = bits == 1 ? 4 : 2;
        for (size_t k = 0; k < g; k++)
          for (size_t j = 0; j < per; j++) {
            const int lv = (nib[k] >> (j * bits)) & ((1 << bits) - 1);
            direct += q[k * per + j] * (lv - 0.5 * ((1 << bits) - 1));
          }
        uint32_t sum = 0;
        for (size_t k = 0; k < g; k++) sum += lut.entries[k * 16 + nib[k]];
        const double code = double(lut.step) * sum + lut.offset;
        REQUIRE(std::fabs(code - direct) <= g * lut.step / 2 + 1e-5);
        // The estimate of <r, q> within RaBitQ's bound at epsilon 3 (with high probability:
        // count the misses).
        double dot = 0;
        for (size_t i = 0; i < rd; i++) dot += double(r[i]) * q[i];
        const double est = f.f * code;
        if (std::fabs(est - dot) > 3.0 * f.h / std::sqrt(double(rd - 1)) + f.f * lut.error)
          outside++;
        // The int8 copy reproduces r within its scale.
        for (size_t i = 0; i < rd; i++)
          REQUIRE(std::fabs(q8[i] * scale - r[i]) <= scale * 0.5f + 1e-6f);
      }
      REQUIRE(outside <= 2);
    }
  }
}

TEST_CASE("search equals exact search when every candidate is re-ranked, at every boundary",
          "[compact]") {
  std::mt19937 rng(seed_for(4));
  for (size_t d : {1, 3, 16, 17, 64}) {
    for (size_t n : {0, 1, 31, 32, 33, 100}) {
      for (int bits : {1, 2}) {
        CAPTURE(d, n, bits);
        Harness h(d, bits);
        std::vector<uint64_t> ids;
        for (size_t i = 0; i < n; i++) ids.push_back(i == 0 ? kMaxFileId : i * 7919);
        if (n) h.upsert(ids, gaussian(rng, n * d));
        h.check_consistent();
        auto q = gaussian(rng, d);
        CompactSearchOptions all;
        all.limit = 10;
        all.rerank = n + 1;
        all.epsilon = 1e9f;  // every vector scored
        require_same(h.search(q.data(), all), h.exact(q.data(), 10));
        all.min_score = 0.2f;
        require_same(h.search(q.data(), all), h.exact(q.data(), 10, 0.2f));
        all.limit = 1000;
        all.min_score = -2;
        require_same(h.search(q.data(), all), h.exact(q.data(), 1000));
      }
    }
  }
}

TEST_CASE("segment boundaries: 4095, 4096, 4097 and 8193 rows", "[compact]") {
  std::mt19937 rng(seed_for(5));
  for (size_t n : {4095, 4096, 4097, 8193}) {
    CAPTURE(n);
    const size_t d = 8;
    Harness h(d);
    std::vector<uint64_t> ids(n);
    for (size_t i = 0; i < n; i++) ids[i] = i;
    h.upsert(ids, gaussian(rng, n * d));
    CompactSearchOptions all;
    all.limit = 20;
    all.rerank = 64;
    auto q = gaussian(rng, d);
    require_same(h.search(q.data(), all), h.exact(q.data(), 20));
    // Remove across the boundary and back.
    for (size_t i = 0; i < 5; i++) REQUIRE(h.remove(ids[(i * 997) % n]));
    h.check_consistent();
    require_same(h.search(q.data(), all), h.exact(q.data(), 20));
  }
}

TEST_CASE("recall@10 >= 0.99 with the defaults on random and clustered 512-d data", "[compact]") {
  std::mt19937 rng(seed_for(6));
  const size_t d = 512, n = 6000;
  for (int kind = 0; kind < 2; kind++) {
    CAPTURE(kind);
    Harness h(d);
    auto data = kind == 0 ? gaussian(rng, n * d) : clustered(rng, n, d, 50, 1.0f);
    std::vector<uint64_t> ids(n);
    for (size_t i = 0; i < n; i++) ids[i] = 1000 + i;
    h.upsert(ids, data);
    size_t found = 0, total = 0, scored = 0;
    for (int t = 0; t < 40; t++) {
      std::vector<float> q = gaussian(rng, d);
      if (t % 2) {  // near a stored vector
        for (size_t j = 0; j < d; j++) q[j] = data[(t * 131 % n) * d + j] + 0.5f * q[j];
      }
      CompactSearchOptions opt;
      CompactSearchStats stats;
      auto got = h.search(q.data(), opt, &stats);
      auto want = h.exact(q.data(), 10);
      std::set<uint64_t> w;
      for (auto& x : want) w.insert(x.id);
      for (auto& x : got) found += w.count(x.id);
      total += want.size();
      scored += stats.scored;
      REQUIRE(got.size() == 10);
    }
    INFO("int8 copies scored per query: " << scored / 40);
    REQUIRE(double(found) / total >= 0.99);
    REQUIRE(scored / 40 < n / 2);  // the codes did prune
  }
}

TEST_CASE("upserts replace, removes swap, pages are deleted once empty", "[compact]") {
  std::mt19937 rng(seed_for(7));
  const size_t d = 24;
  Harness h(d);
  std::uniform_int_distribution<uint64_t> pick(0, 300);
  for (int step = 0; step < 400; step++) {
    if (step % 3 == 2) {
      h.remove(pick(rng));
    } else {
      const size_t k = 1 + rng() % 40;
      std::vector<uint64_t> ids(k);
      for (auto& id : ids) id = pick(rng);
      auto v = gaussian(rng, k * d);
      // Later duplicates win inside one batch.
      const size_t before = h.model.size();
      (void)before;
      std::map<uint64_t, size_t> last;
      for (size_t i = 0; i < k; i++) last[ids[i]] = i;
      REQUIRE(h.index.stage(ids.data(), v.data(), k) == kOk);
      for (size_t p = 0; p < h.index.staged_pages(); p++) {
        const uint8_t* b = h.index.staged_page_bytes(p);
        h.pages[h.index.staged_page_name(p)].assign(b, b + h.index.staged_page_size(p));
      }
      h.index.commit();
      for (auto& [id, i] : last) h.model[id] = Harness::unit(v.data() + i * d, d);
      h.take_deletable();
    }
    if (step % 50 == 0) h.check_consistent();
  }
  h.check_consistent();
  // Every page in the store holds a live record (nothing is kept that could be deleted).
  size_t live_pages = 0;
  for (size_t p = 0; p < h.index.page_count(); p++)
    live_pages += !h.index.page(uint32_t(p)).free && h.index.page(uint32_t(p)).live > 0;
  REQUIRE(h.pages.size() <= live_pages + 1);  // + the tail, which may be empty
  while (!h.model.empty()) h.remove(h.model.begin()->first);
  REQUIRE(h.index.size() == 0);
  REQUIRE(h.pages.size() <= 1);
}

TEST_CASE("a failed stage changes nothing; abort forgets it", "[compact]") {
  std::mt19937 rng(seed_for(8));
  const size_t d = 5;
  Harness h(d);
  h.upsert({1, 2, 3}, gaussian(rng, 3 * d));
  auto v = gaussian(rng, 2 * d);
  v[d + 2] = NAN;
  uint64_t ids[2] = {4, 5};
  REQUIRE(h.index.stage(ids, v.data(), 2) == kBadInput);
  std::vector<float> zero(d, 0);
  REQUIRE(h.index.stage(ids, zero.data(), 1) == kBadInput);
  uint64_t big = kMaxFileId + 1;
  REQUIRE(h.index.stage(&big, v.data(), 1) == kBadInput);
  REQUIRE(h.index.size() == 3);
  auto w = gaussian(rng, d);
  REQUIRE(h.index.stage(ids, w.data(), 1) == kOk);
  REQUIRE(h.index.staged_pages() == 1);
  h.index.abort_staged();
  REQUIRE(h.index.size() == 3);
  REQUIRE_FALSE(h.index.contains(4));
  h.check_consistent();
  h.upsert({4}, w);
  h.check_consistent();
}

TEST_CASE("records are bound to their index, page and position", "[compact]") {
  std::mt19937 rng(seed_for(9));
  const size_t d = 6;
  Harness h(d);
  h.upsert({10, 11}, gaussian(rng, 2 * d));
  uint32_t p10, r10, p11, r11;
  REQUIRE(h.index.locate(10, &p10, &r10));
  REQUIRE(h.index.locate(11, &p11, &r11));
  std::vector<float> v(d);
  uint64_t id;
  auto s10 = h.record_of(p10, r10);
  REQUIRE(h.index.open_record(s10.data(), p11, r11, &id, v.data()) == kAuthFailed);  // moved
  s10[30] ^= 1;
  REQUIRE(h.index.open_record(s10.data(), p10, r10, &id, v.data()) == kAuthFailed);  // changed
  Harness other(d);  // same key, another index
  std::memcpy(other.key, h.key, 32);
  REQUIRE(other.index.create(d, 2, h.key) == kOk);
  other.upsert({10}, gaussian(rng, d));
  auto fresh = h.record_of(p10, r10);
  uint32_t op, orr;
  REQUIRE(other.index.locate(10, &op, &orr));
  REQUIRE(other.index.open_record(fresh.data(), op, orr, &id, v.data()) == kAuthFailed);
}

namespace {
std::vector<std::vector<uint8_t>> save(const CompactIndex& x, const std::string& meta) {
  CompactSnapshotWriter w;
  REQUIRE(w.begin(x, reinterpret_cast<const uint8_t*>(meta.data()), meta.size()) == kOk);
  std::vector<std::vector<uint8_t>> pieces;
  bool done = false;
  while (!done) {
    REQUIRE(w.next(&done) == kOk);
    pieces.emplace_back(w.data(), w.data() + w.size());
  }
  return pieces;
}

Status load(const uint8_t key[32], const std::vector<std::vector<uint8_t>>& pieces,
            CompactIndex& into, std::string* meta = nullptr) {
  CompactSnapshotReader r;
  REQUIRE(r.begin(key) == kOk);
  for (auto& p : pieces)
    if (Status s = r.feed(p.data(), p.size())) return s;
  CheckedArray<uint8_t> m;
  Status s = r.finish(into, m);
  if (!s && meta) meta->assign(m.data(), m.data() + m.size());
  return s;
}
}  // namespace

TEST_CASE("snapshots round-trip in pieces and answer as the original", "[compact]") {
  std::mt19937 rng(seed_for(10));
  for (size_t d : {3, 512}) {
    for (size_t n : {0, 1, 33, 5000}) {
      CAPTURE(d, n);
      Harness h(d);
      std::vector<uint64_t> ids(n);
      for (size_t i = 0; i < n; i++) ids[i] = i * 3 + 1;
      if (n) h.upsert(ids, gaussian(rng, n * d));
      if (n > 10) h.remove(ids[5]);
      auto pieces = save(h.index, "cursor=42");
      REQUIRE(pieces.size() >= (n ? 4u : 2u));  // header, pages, rows..., end
      for (auto& p : pieces) REQUIRE(p.size() <= kMaxSnapshotPiece + 64);
      CompactIndex loaded;
      std::string meta;
      REQUIRE(load(h.key, pieces, loaded, &meta) == kOk);
      REQUIRE(meta == "cursor=42");
      REQUIRE(loaded.size() == h.index.size());
      auto q = gaussian(rng, d);
      CompactSearchOptions opt;
      CheckedArray<Candidate> a, b;
      REQUIRE(h.index.candidates(q.data(), opt, a) == kOk);
      REQUIRE(loaded.candidates(q.data(), opt, b) == kOk);
      REQUIRE(a.size() == b.size());
      for (size_t i = 0; i < a.size(); i++) {
        REQUIRE(a[i].id == b[i].id);
        REQUIRE(a[i].score == b[i].score);
        REQUIRE(a[i].loc == b[i].loc);
      }
      // The loaded index reads the same pages and keeps appending to new ones.
      h.index.swap(loaded);
      h.check_consistent();
      h.upsert({999999}, gaussian(rng, d));
      h.check_consistent();
    }
  }
}

TEST_CASE("a broken snapshot never loads: changed, dropped, reordered, replayed, cut, wrong key",
          "[compact]") {
  std::mt19937 rng(seed_for(11));
  const size_t d = 64, n = 9000;  // several row pieces
  Harness h(d);
  std::vector<uint64_t> ids(n);
  for (size_t i = 0; i < n; i++) ids[i] = i;
  h.upsert(ids, gaussian(rng, n * d));
  auto pieces = save(h.index, "m");
  REQUIRE(pieces.size() >= 5);
  CompactIndex x;
  {
    auto p = pieces;
    p[2][p[2].size() / 2] ^= 0x40;
    REQUIRE(load(h.key, p, x) == kAuthFailed);
  }
  {
    auto p = pieces;
    p.erase(p.begin() + 2);
    REQUIRE(load(h.key, p, x) == kAuthFailed);
  }
  {
    auto p = pieces;
    std::swap(p[2], p[3]);
    REQUIRE(load(h.key, p, x) == kAuthFailed);
  }
  {
    auto p = pieces;
    p.insert(p.begin() + 3, p[2]);
    REQUIRE(load(h.key, p, x) == kAuthFailed);
  }
  {
    auto p = pieces;
    p.pop_back();
    REQUIRE(load(h.key, p, x) == kTruncated);
  }
  {
    auto p = pieces;
    p[0].resize(10);
    REQUIRE(load(h.key, p, x) == kTruncated);
  }
  {
    uint8_t wrong[32];
    std::memcpy(wrong, h.key, 32);
    wrong[0] ^= 1;
    REQUIRE(load(wrong, pieces, x) == kAuthFailed);
  }
  {
    // A piece of another snapshot of the same index (same key) does not fit either.
    auto other = save(h.index, "other");
    auto p = pieces;
    p[3] = other[3];
    REQUIRE(load(h.key, p, x) == kAuthFailed);
  }
  REQUIRE(x.size() == 0);  // never replaced
  REQUIRE(load(h.key, pieces, x) == kOk);
  REQUIRE(x.size() == n);
}

TEST_CASE("pages emptied after a snapshot wait for the next one", "[compact]") {
  std::mt19937 rng(seed_for(12));
  const size_t d = 4;
  Harness h(d);
  std::vector<uint64_t> ids(64);
  for (size_t i = 0; i < 64; i++) ids[i] = i;
  h.upsert(ids, gaussian(rng, 64 * d));  // two full pages
  const size_t stored = h.pages.size();
  h.index.snapshot_committed();
  for (size_t i = 0; i < 32; i++) h.remove(i);  // empties the first page
  REQUIRE(h.pages.size() == stored);            // the snapshot still refers to it
  h.index.snapshot_committed();
  REQUIRE(h.index.deletable().size() == 1);
  h.take_deletable();
  REQUIRE(h.pages.size() == stored - 1);
  h.check_consistent();
}
