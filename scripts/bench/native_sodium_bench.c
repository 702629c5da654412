// Native libsodium (Debian's libsodium-dev, with its SSE/AVX code) on the same operations as
// crypto.bench.mjs: the physical limit of this machine. Built and run by the bench:
//   gcc -O3 native_sodium_bench.c -lsodium -o native_sodium_bench
//   native_sodium_bench stream MiB RUNS | argon2 OPS MEM RUNS | small SECONDS
// Prints one JSON object on stdout (medians of RUNS).
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

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *xs, int n) {
  qsort(xs, n, sizeof *xs, cmp);
  return xs[n / 2];
}

static void stream_bench(size_t total, int runs) {
  size_t chunks = total / CHUNK;
  unsigned char *m = malloc(total), *c = malloc(total + chunks * 17), *p = malloc(total);
  unsigned char key[32], header[24];
  crypto_secretstream_xchacha20poly1305_state st;
  double enc[64], dec[64];
  randombytes_buf(m, total);
  crypto_secretstream_xchacha20poly1305_keygen(key);
  for (int r = 0; r < runs; r++) {
    double t0 = now();
    crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
    for (size_t i = 0; i < chunks; i++)
      crypto_secretstream_xchacha20poly1305_push(&st, c + i * (CHUNK + 17), NULL, m + i * CHUNK, CHUNK, NULL, 0,
          i + 1 == chunks ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    double t1 = now();
    crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key);
    for (size_t i = 0; i < chunks; i++) {
      unsigned char tag;
      if (crypto_secretstream_xchacha20poly1305_pull(&st, p + i * CHUNK, NULL, &tag, c + i * (CHUNK + 17),
                                                     CHUNK + 17, NULL, 0) != 0) {
        fprintf(stderr, "native decrypt failed\n");
        exit(1);
      }
    }
    double t2 = now();
    if (memcmp(m, p, total) != 0) {
      fprintf(stderr, "native round trip differs\n");
      exit(1);
    }
    enc[r] = t1 - t0;
    dec[r] = t2 - t1;
  }
  double mib = total / 1048576.0;
  printf("{\"encryptMiBps\": %.1f, \"decryptMiBps\": %.1f}\n", mib / median(enc, runs), mib / median(dec, runs));
}

static void argon2_bench(unsigned long long ops, size_t mem, int runs) {
  unsigned char key[32], salt[16] = {0};
  double ts[64];
  for (int r = 0; r < runs; r++) {
    double t0 = now();
    if (crypto_pwhash(key, sizeof key, "password", 8, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
      fprintf(stderr, "native argon2 failed\n");
      exit(1);
    }
    ts[r] = now() - t0;
  }
  printf("{\"seconds\": %.4f}\n", median(ts, runs));
}

// Operations per second over about `seconds` each, on a 32-byte message (a wrapped key).
static void small_bench(double seconds) {
  unsigned char m[32], pk[32], sk[32], key[32], nonce[24];
  unsigned char sealed[32 + crypto_box_SEALBYTES], boxed[32 + crypto_secretbox_MACBYTES], out[32];
  randombytes_buf(m, sizeof m);
  crypto_box_keypair(pk, sk);
  crypto_secretbox_keygen(key);
  randombytes_buf(nonce, sizeof nonce);
  double rates[4];
  for (int op = 0; op < 4; op++) {
    long n = 0;
    double t0 = now(), t;
    crypto_box_seal(sealed, m, sizeof m, pk);
    crypto_secretbox_easy(boxed, m, sizeof m, nonce, key);
    do {
      for (int i = 0; i < 16; i++, n++) {
        int rc = 0;
        if (op == 0) crypto_box_seal(sealed, m, sizeof m, pk);
        if (op == 1) rc = crypto_box_seal_open(out, sealed, sizeof sealed, pk, sk);
        if (op == 2) crypto_secretbox_easy(boxed, m, sizeof m, nonce, key);
        if (op == 3) rc = crypto_secretbox_open_easy(out, boxed, sizeof boxed, nonce, key);
        if (rc != 0) exit(1);
      }
      t = now();
    } while (t - t0 < seconds);
    rates[op] = n / (t - t0);
  }
  printf("{\"seal\": %.0f, \"sealOpen\": %.0f, \"secretbox\": %.0f, \"secretboxOpen\": %.0f}\n", rates[0], rates[1],
         rates[2], rates[3]);
}

int main(int argc, char **argv) {
  if (sodium_init() < 0) return 1;
  if (argc == 4 && !strcmp(argv[1], "stream")) {
    stream_bench((size_t)atol(argv[2]) << 20, atoi(argv[3]));
  } else if (argc == 5 && !strcmp(argv[1], "argon2")) {
    argon2_bench(strtoull(argv[2], NULL, 10), (size_t)strtoull(argv[3], NULL, 10), atoi(argv[4]));
  } else if (argc == 3 && !strcmp(argv[1], "small")) {
    small_bench(atof(argv[2]));
  } else {
    fprintf(stderr, "usage: stream MiB RUNS | argon2 OPS MEM RUNS | small SECONDS\n");
    return 2;
  }
  return 0;
}
