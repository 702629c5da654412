// A malloc'd array whose every allocation is checked. In the wasm build a failing operator new
// aborts the module (no exceptions), which kills the core; the compact index allocates only
// through this, so a full heap comes back as kOutOfMemory with the array unchanged. Contents are
// wiped whenever memory is given back (growth, clear, destruction): they are embeddings or codes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "nonnull.hpp"
#include "status.hpp"

namespace cl {

template <class T>
class CheckedArray {
  static_assert(std::is_trivially_copyable<T>::value, "plain data only");

 public:
  CheckedArray() = default;
  ~CheckedArray() { release(); }
  CheckedArray(const CheckedArray&) = delete;
  CheckedArray& operator=(const CheckedArray&) = delete;
  CheckedArray(CheckedArray&& o) noexcept { swap(o); }
  CheckedArray& operator=(CheckedArray&& o) noexcept {
    if (this != &o) {
      release();
      swap(o);
    }
    return *this;
  }
  void swap(CheckedArray& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    std::swap(cap_, o.cap_);
  }

  T* data() { return p_; }
  const T* data() const { return p_; }
  size_t size() const { return n_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return n_ == 0; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }
  T& back() { return p_[n_ - 1]; }
  // Bytes held (the capacity): what the index reports as its memory.
  size_t bytes() const { return cap_ * sizeof(T); }

  // Capacity for exactly `n` elements (never shrinks). kOutOfMemory leaves everything as it was.
  Status reserve_exact(size_t n) {
    if (n <= cap_) return kOk;
    if (n > SIZE_MAX / sizeof(T)) return fail(kOutOfMemory, "allocation too large");
    T* q = static_cast<T*>(std::malloc(n * sizeof(T)));
    if (!q) return fail(kOutOfMemory, "not enough wasm memory for the index");
    if (n_) std::memcpy(q, p_, n_ * sizeof(T));
    wipe_bytes(p_, cap_ * sizeof(T));
    std::free(p_);
    p_ = q;
    cap_ = n;
    return kOk;
  }
  // Capacity for `n`, growing by half again at least (amortised appends).
  Status reserve(size_t n) {
    if (n <= cap_) return kOk;
    size_t grown = cap_ + cap_ / 2;
    return reserve_exact(n > grown ? n : grown);
  }
  // Size n; new elements zeroed.
  Status resize(size_t n) {
    if (Status s = reserve(n)) return s;
    if (n > n_) std::memset(p_ + n_, 0, (n - n_) * sizeof(T));
    n_ = n;
    return kOk;
  }
  Status push_back(const T& v) {
    if (Status s = reserve(n_ + 1)) return s;
    p_[n_++] = v;
    return kOk;
  }
  // Drops elements past n, wiping them (no reallocation).
  void truncate(size_t n) {
    if (n >= n_) return;
    wipe_bytes(p_ + n, (n_ - n) * sizeof(T));
    n_ = n;
  }
  void clear() { truncate(0); }
  void release() {
    wipe_bytes(p_, cap_ * sizeof(T));
    std::free(p_);
    p_ = nullptr;
    n_ = cap_ = 0;
  }

 private:
  T* p_ = nullptr;
  size_t n_ = 0, cap_ = 0;
};

}  // namespace cl
