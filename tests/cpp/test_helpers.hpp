#pragma once
#include <cstdint>
#include <vector>

#include <sodium.h>

inline std::vector<uint8_t> random_vec(size_t n) {
  std::vector<uint8_t> v(n);
  if (n) randombytes_buf(v.data(), n);  // an empty vector's data() may be null
  return v;
}

inline std::vector<uint8_t> from_hex(const char* hex) {
  std::vector<uint8_t> out;
  for (const char* p = hex; p[0] && p[1]; p += 2) {
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out.push_back(uint8_t(nib(p[0]) << 4 | nib(p[1])));
  }
  return out;
}
