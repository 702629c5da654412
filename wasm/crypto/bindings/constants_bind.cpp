// The core's sizes and status codes as module constants. TypeScript keeps its own copies (some
// code needs them with no module loaded) and compares them with these whenever a module loads
// (js/src/crypto/sizes.ts, js/src/runtime/errors.ts), so the two sides cannot drift apart.
#include <emscripten/bind.h>

#include "box.hpp"
#include "file_hash.hpp"
#include "keys.hpp"
#include "mnemonic.hpp"
#include "secretbox.hpp"
#include "secretstream.hpp"
#include "sign.hpp"
#include "status.hpp"

EMSCRIPTEN_BINDINGS(cipherlens_constants) {
  using emscripten::constant;
  constant("KEY_BYTES", int(cl::kKeyBytes));
  constant("SALT_BYTES", int(cl::kSaltBytes));
  constant("LOGIN_SUBKEY_BYTES", int(cl::kLoginSubKeyBytes));
  constant("NONCE_BYTES", int(cl::kSecretboxNonceBytes));
  constant("MAC_BYTES", int(cl::kSecretboxMacBytes));
  constant("HEADER_BYTES", int(cl::kHeaderBytes));
  constant("STREAM_OVERHEAD", int(cl::kStreamOverhead));
  constant("CHUNK_BYTES", int(cl::kChunkBytes));
  constant("PUBLIC_KEY_BYTES", int(cl::kBoxPublicKeyBytes));
  constant("SECRET_KEY_BYTES", int(cl::kBoxSecretKeyBytes));
  constant("SEAL_OVERHEAD", int(cl::kSealOverhead));
  constant("SIGN_PUBLIC_KEY_BYTES", int(cl::kSignPublicKeyBytes));
  constant("SIGN_SECRET_KEY_BYTES", int(cl::kSignSecretKeyBytes));
  constant("SIGN_SEED_BYTES", int(cl::kSignSeedBytes));
  constant("SIGNATURE_BYTES", int(cl::kSignatureBytes));
  constant("FILE_HASH_BYTES", int(cl::kFileHashBytes));
  constant("MNEMONIC_MAX_CHARS", int(cl::kMnemonicMaxChars));

  constant("STATUS_AUTH_FAILED", int(cl::kAuthFailed));
  constant("STATUS_TRUNCATED", int(cl::kTruncated));
  constant("STATUS_BAD_INPUT", int(cl::kBadInput));
  constant("STATUS_OUT_OF_MEMORY", int(cl::kOutOfMemory));
  constant("STATUS_CLOSED", int(cl::kClosed));
}
