// Little-endian integers in byte buffers: the saved formats' one byte order, whatever the host's.
#pragma once
#include <cstdint>

namespace cl {

inline void put_u32(uint8_t* p, uint32_t x) {
  for (int i = 0; i < 4; i++) p[i] = uint8_t(x >> (8 * i));
}
inline void put_u64(uint8_t* p, uint64_t x) {
  for (int i = 0; i < 8; i++) p[i] = uint8_t(x >> (8 * i));
}
inline uint32_t get_u32(const uint8_t* p) {
  uint32_t x = 0;
  for (int i = 0; i < 4; i++) x |= uint32_t(p[i]) << (8 * i);
  return x;
}
inline uint64_t get_u64(const uint8_t* p) {
  uint64_t x = 0;
  for (int i = 0; i < 8; i++) x |= uint64_t(p[i]) << (8 * i);
  return x;
}

}  // namespace cl
