/* Small helpers shared by roam's C tests: strict hex decoding into a byte
 * buffer (with a capacity check) and a seeded, deterministic xorshift64*
 * generator for reproducible pseudo-random test inputs.  Not for secrets.
 *
 *   uint8_t b[48]; size_t n = test_unhex(b, sizeof b, "00ff...");
 *   struct test_rng rng = TEST_RNG_INIT(0x1234);
 *   uint64_t w = test_rng_u64(&rng); test_rng_bytes(&rng, b, sizeof b);
 *
 * A malformed hex string (odd length, not hex, longer than the buffer) is a
 * bug in the test itself: test_unhex reports it on stderr and aborts. */
#ifndef ROAM_TESTS_TEST_UTIL_H
#define ROAM_TESTS_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int test_hex_nibble_(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes hex into out (at most cap bytes); returns the byte count. */
static inline size_t test_unhex(uint8_t *out, size_t cap, const char *hex)
{
    size_t len = strlen(hex);
    if (len % 2 != 0 || len / 2 > cap) {
        fprintf(stderr, "test_unhex: bad length %zu (capacity %zu bytes): %s\n", len, cap, hex);
        abort();
    }
    for (size_t i = 0; i < len / 2; i++) {
        int hi = test_hex_nibble_(hex[2 * i]), lo = test_hex_nibble_(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "test_unhex: not hex at offset %zu: %s\n", 2 * i, hex);
            abort();
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return len / 2;
}

/* xorshift64* (Vigna); the seed must be non-zero. */
struct test_rng {
    uint64_t state;
};
#define TEST_RNG_INIT(seed) {(seed)}

static inline uint64_t test_rng_u64(struct test_rng *rng)
{
    rng->state ^= rng->state >> 12;
    rng->state ^= rng->state << 25;
    rng->state ^= rng->state >> 27;
    return rng->state * 0x2545f4914f6cdd1dULL;
}

/* Fills b with successive outputs, each stored in host byte order (a tail
 * shorter than 8 bytes takes the leading bytes of one more output). */
static inline void test_rng_bytes(struct test_rng *rng, uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = test_rng_u64(rng);
        memcpy(b + i, &w, n - i < 8 ? n - i : 8);
    }
}

#endif
