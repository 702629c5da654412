// Opening blobs (strict and legacy), secretboxes and sealed boxes: arbitrary bytes, or an
// authentic box of the input's plaintext with one corruption (a bit flip in the ciphertext or
// in the header / nonce, a truncation, appended bytes). Properties: an intact box opens to its
// plaintext; anything else fails with a typed status and leaves the output buffer untouched or
// zeroed, never holding plaintext; a strict blob with a tag other than FINAL is refused and
// wiped, while the legacy open accepts it.
#include <algorithm>

#include "box.hpp"
#include "fuzz_support.hpp"
#include "nonnull.hpp"
#include "secretbox.hpp"
#include "secretstream.hpp"

using namespace cl;

namespace {
constexpr uint8_t kSentinel = 0xa5;
enum Kind { kBlobStrict, kBlobLegacy, kSecretbox, kSealed, kKinds };
constexpr unsigned char kTags[] = {crypto_secretstream_xchacha20poly1305_TAG_FINAL,
                                   crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
                                   crypto_secretstream_xchacha20poly1305_TAG_PUSH,
                                   crypto_secretstream_xchacha20poly1305_TAG_REKEY};

struct KeyPair {
  uint8_t pk[kBoxPublicKeyBytes], sk[kBoxSecretKeyBytes];
};
const KeyPair& keypair() {
  static KeyPair kp = [] {
    KeyPair k;
    const uint8_t seed[crypto_box_SEEDBYTES] = {7};
    crypto_box_seed_keypair(k.pk, k.sk, seed);
    return k;
  }();
  return kp;
}

size_t overhead(Kind k) {
  return k == kSecretbox ? kSecretboxMacBytes : k == kSealed ? kSealOverhead : kStreamOverhead;
}

// Untouched or wiped: the sentinel everywhere, or zero everywhere.
bool holds_no_plaintext(const std::vector<uint8_t>& out) {
  return std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == kSentinel; }) ||
         std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == 0; });
}
}  // namespace

FUZZ_INIT()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::reset_random();
  fuzz::Input in(data, size);
  const uint8_t mode = in.byte();
  const auto kind = Kind(mode % kKinds);
  const bool raw = mode & 0x80;
  const unsigned char tag = kTags[(mode >> 2) & 3];
  const uint8_t corruption = in.byte();
  const uint32_t where = in.u32();

  uint8_t nonce[kHeaderBytes] = {0};  // the blob header or the secretbox nonce (both 24 bytes)
  static_assert(kHeaderBytes == kSecretboxNonceBytes, "one buffer serves both");
  std::vector<uint8_t> m, c;
  if (raw) {
    std::vector<uint8_t> n = in.bytes(sizeof nonce);
    std::copy(n.begin(), n.end(), nonce);
    c = in.rest();
  } else {
    m = in.rest();
    c.resize(m.size() + overhead(kind));
    if (kind == kSecretbox) {
      secretbox_encrypt(c.data(), nonce, m.data(), m.size(), fuzz::fixed_key());
    } else if (kind == kSealed) {
      FUZZ_CHECK(box_seal(c.data(), m.data(), m.size(), keypair().pk) == kOk);
    } else {
      crypto_secretstream_xchacha20poly1305_state st;
      crypto_secretstream_xchacha20poly1305_init_push(&st, nonce, fuzz::fixed_key());
      crypto_secretstream_xchacha20poly1305_push(&st, c.data(), nullptr, nonnull(m.data()),
                                                 m.size(), nullptr, 0, tag);
    }
  }
  bool intact = !raw;
  switch (raw ? 0 : corruption % 5) {
    case 1:
      c[where % c.size()] ^= uint8_t(1 << (where >> 29));
      intact = false;
      break;
    case 2:
      c.resize(where % c.size());
      intact = false;
      break;
    case 3:
      c.insert(c.end(), where % 16 + 1, uint8_t(where >> 8));
      intact = false;
      break;
    case 4:
      if (kind != kSealed) {
        nonce[where % sizeof nonce] ^= uint8_t(1 << (where >> 29));
        intact = false;
      }
      break;
    default:
      break;
  }

  std::vector<uint8_t> out(c.size() >= overhead(kind) ? c.size() - overhead(kind) : 0, kSentinel);
  Status s;
  switch (kind) {
    case kBlobStrict:
      s = blob_decrypt(out.data(), c.data(), c.size(), nonce, fuzz::fixed_key(), true);
      break;
    case kBlobLegacy:
      s = blob_decrypt(out.data(), c.data(), c.size(), nonce, fuzz::fixed_key(), false);
      break;
    case kSecretbox:
      s = secretbox_decrypt(out.data(), c.data(), c.size(), nonce, fuzz::fixed_key());
      break;
    default:
      s = box_seal_open(out.data(), c.data(), c.size(), keypair().pk, keypair().sk);
      break;
  }
  FUZZ_CHECK(fuzz::known_status(s));
  const bool wrong_tag = kind == kBlobStrict && tag != kTags[0];
  if (intact && !wrong_tag) {
    FUZZ_CHECK(s == kOk);
    FUZZ_CHECK(out == m);
    return 0;
  }
  FUZZ_CHECK(s != kOk);
  if (intact)
    FUZZ_CHECK(s == kBadInput);  // authentic, but not tagged FINAL
  else
    FUZZ_CHECK(s == kAuthFailed || (s == kTruncated && c.size() < overhead(kind)));
  FUZZ_CHECK(holds_no_plaintext(out));
  return 0;
}
