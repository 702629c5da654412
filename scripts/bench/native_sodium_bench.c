// Native libsodium (Debian's libsodium-dev, with its SSE/AVX code) on the same operations as
// crypto.bench.mjs: the physical limit of this machine. Built by the bench and started once per
// round, inside the same interleaved rounds as the wasm contenders; each run times only the
// work (not its own start-up) and prints one JSON object on stdout:
//   gcc -O3 native_sodium_bench.c -lsodium -o native_sodium_bench
//   native_sodium_bench stream MiB            {"encryptSeconds", "decryptSeconds"}
//   native_sodium_bench argon2 OPS MEM        {"seconds"}
//   native_sodium_bench small OP SECONDS      {"opsPerSecond"}  OP: seal sealOpen secretbox
//   secretboxOpen
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK (4u << 20)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void stream_bench(size_t total) {
  size_t chunks = total / CHUNK;
  unsigned char *m = malloc(total), *c = malloc(total + chunks * 17), *p = malloc(total);
  unsigned char key[32], header[24];
  crypto_secretstream_xchacha20poly1305_state st;
  randombytes_buf(m, total);
  memset(c, 0, total + chunks * 17);  // first touch outside the timings, as the JS side's
  memset(p, 0, total);                // per-chunk loops reuse warm buffers
  crypto_secretstream_xchacha20poly1305_keygen(key);
  double t0 = now();
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
  for (size_t i = 0; i < chunks; i++)
    crypto_secretstream_xchacha20poly1305_push(
        &st, c + i * (CHUNK + 17), NULL, m + i * CHUNK, CHUNK, NULL, 0,
        i + 1 == chunks ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
  double t1 = now();
  crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key);
  for (size_t i = 0; i < chunks; i++) {
    unsigned char tag;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &st, p + i * CHUNK, NULL, &tag, c + i * (CHUNK + 17), CHUNK + 17, NULL, 0) != 0) {
      fprintf(stderr, "native decrypt failed\n");
      exit(1);
    }
  }
  double t2 = now();
  if (memcmp(m, p, total) != 0) {
    fprintf(stderr, "native round trip differs\n");
    exit(1);
  }
  printf("{\"encryptSeconds\": %.6f, \"decryptSeconds\": %.6f}\n", t1 - t0, t2 - t1);
}

static void argon2_bench(unsigned long long ops, size_t mem) {
  unsigned char key[32], salt[16];
  memset(salt, 7, sizeof salt);  // the salt the JS contenders use
  double t0 = now();
  if (crypto_pwhash(key, sizeof key, "password", 8, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) !=
      0) {
    fprintf(stderr, "native argon2 failed\n");
    exit(1);
  }
  printf("{\"seconds\": %.6f}\n", now() - t0);
}

// Operations per second over about `seconds`, on a 32-byte message (a wrapped key). secretbox
// encrypt draws a fresh nonce per call (randombytes_buf: the kernel's getrandom here), as the
// JS contenders do with crypto.getRandomValues; seal draws its ephemeral key the same way.
// sign and verify take a 256-byte message (an album log entry is a few hundred bytes).
static void small_bench(const char* op, double seconds) {
  unsigned char m[32], pk[32], sk[32], key[32], nonce[24];
  unsigned char sealed[32 + crypto_box_SEALBYTES], boxed[32 + crypto_secretbox_MACBYTES], out[32];
  unsigned char entry[256], spk[crypto_sign_PUBLICKEYBYTES], ssk[crypto_sign_SECRETKEYBYTES],
      sig[crypto_sign_BYTES];
  int which = !strcmp(op, "seal")            ? 0
              : !strcmp(op, "sealOpen")      ? 1
              : !strcmp(op, "secretbox")     ? 2
              : !strcmp(op, "secretboxOpen") ? 3
              : !strcmp(op, "sign")          ? 4
              : !strcmp(op, "verify")        ? 5
                                             : -1;
  if (which < 0) {
    fprintf(stderr, "unknown op %s\n", op);
    exit(2);
  }
  randombytes_buf(m, sizeof m);
  crypto_box_keypair(pk, sk);
  crypto_secretbox_keygen(key);
  randombytes_buf(nonce, sizeof nonce);
  crypto_box_seal(sealed, m, sizeof m, pk);
  crypto_secretbox_easy(boxed, m, sizeof m, nonce, key);
  randombytes_buf(entry, sizeof entry);
  crypto_sign_keypair(spk, ssk);
  crypto_sign_detached(sig, NULL, entry, sizeof entry, ssk);
  long n = 0;
  double t0 = now(), t;
  do {
    for (int i = 0; i < 16; i++, n++) {
      int rc = 0;
      if (which == 0) crypto_box_seal(sealed, m, sizeof m, pk);
      if (which == 1) rc = crypto_box_seal_open(out, sealed, sizeof sealed, pk, sk);
      if (which == 2) {
        randombytes_buf(nonce, sizeof nonce);
        crypto_secretbox_easy(boxed, m, sizeof m, nonce, key);
      }
      if (which == 3) rc = crypto_secretbox_open_easy(out, boxed, sizeof boxed, nonce, key);
      if (which == 4) crypto_sign_detached(sig, NULL, entry, sizeof entry, ssk);
      if (which == 5) rc = crypto_sign_verify_detached(sig, entry, sizeof entry, spk);
      if (rc != 0) exit(1);
    }
    t = now();
  } while (t - t0 < seconds);
  printf("{\"opsPerSecond\": %.0f}\n", n / (t - t0));
}

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  if (argc == 3 && !strcmp(argv[1], "stream")) {
    stream_bench((size_t)atol(argv[2]) << 20);
  } else if (argc == 4 && !strcmp(argv[1], "argon2")) {
    argon2_bench(strtoull(argv[2], NULL, 10), (size_t)strtoull(argv[3], NULL, 10));
  } else if (argc == 4 && !strcmp(argv[1], "small")) {
    small_bench(argv[2], atof(argv[3]));
  } else {
    fprintf(stderr, "usage: stream MiB | argon2 OPS MEM | small OP SECONDS\n");
    return 2;
  }
  return 0;
}
