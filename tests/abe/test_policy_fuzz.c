/* Robustness on untrusted input: random byte strings, random mutations of
 * valid policies and key attributes, and mutated canonical encodings never
 * crash (run it under ASan and UBSan) and always end in ABE_OK or a clean
 * error: negative code, message, offset inside the input.  Accepted
 * policies must also encode, decode back to the same bytes and compile.
 * ROAM_FUZZ_ITERS scales the work (default 40000 per part). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe_check.h"
#include "tap.h"

static abe_policy_t *P, *Q;
static abe_lsss_t *L;
static abe_attr_set_t *S;
static unsigned long long rng = 0x243f6a8885a308d3ull;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)((rng >> 11) % n);
}

static const char *const SEEDS[] = {
    "HCU and M1", "2 of (HCU, M1, B4)", "grade >= 3 and expiry >= 2026-11-25",
    "(A or B) and (C or D)", "3 of (A, B or C, 2 of (D, E, F), G and H)",
    "e > 4#8 or 4 < x", "\"dept cs\" and \"a\\\"b\"", "x = 18446744073709551615",
    "1 of (lvl <= 8, n = 65535, n <= 4294967296, n < 16)", "A AND B OR C",
    "((((A))))", "w < 2#63", "not A", "x >= 0", "2 of (A, A, B)",
};
static const char ALPHA[] = "abAB xyz019_()&|,<>=#!\"\\-.of and or OF 2 5 #8 2026-11-25";

static unsigned bad_err, bad_roundtrip, accepted, refused;

static void check_policy(const char *text, size_t len)
{
    abe_error_t err;
    int rc = abe_policy_parse(P, text, len, &err);
    if (rc != ABE_OK) {
        refused++;
        bad_err += !(rc < 0 && err.code == rc && err.msg[0] != '\0' &&
                     (err.offset == ABE_NO_POS || err.offset <= len) && P->n_nodes == 0);
        return;
    }
    accepted++;
    static uint8_t e1[ABE_POL_MAX_ENCODED], e2[ABE_POL_MAX_ENCODED];
    size_t l1 = 0, l2 = 0;
    int ok = abe_policy_encode(P, e1, sizeof e1, &l1) == ABE_OK &&
             abe_policy_decode(Q, e1, l1, &err) == ABE_OK &&
             abe_policy_encode(Q, e2, sizeof e2, &l2) == ABE_OK && l1 == l2 &&
             memcmp(e1, e2, l1) == 0;
    int lrc = abe_lsss_compile(L, P, &err);
    ok = ok && (lrc == ABE_OK || lrc == ABE_ERR_LIMIT);
    if (ok && lrc == ABE_OK && rnd(8) == 0) {
        /* A key with a random part of the policy's own attributes. */
        abe_attr_set_init(S);
        for (unsigned i = 0; i < L->rows; i++) {
            size_t sl;
            const uint8_t *s = abe_lsss_rho(L, i, &sl);
            if (rnd(2))
                ok = ok && abe_attr_set_insert(S, s, sl) == ABE_OK;
        }
        int c = chk_coefficients(L, S);
        ok = ok && c == abe_policy_satisfied(P, S);
    }
    char out[512];
    abe_policy_format(P, out, sizeof out);
    bad_roundtrip += !ok;
}

static size_t mutate(char *buf, size_t len, size_t cap)
{
    unsigned ops = 1 + rnd(4);
    for (unsigned k = 0; k < ops; k++) {
        size_t at = len ? rnd((unsigned)len + 1) : 0;
        switch (rnd(5)) {
        case 0: /* delete */
            if (at < len) {
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
            }
            break;
        case 1: /* insert a language byte */
            if (len < cap) {
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = ALPHA[rnd(sizeof ALPHA - 1)];
                len++;
            }
            break;
        case 2: /* replace with any byte */
            if (at < len)
                buf[at] = (char)rnd(256);
            break;
        case 3: /* duplicate a slice */
            if (at < len) {
                size_t n = 1 + rnd(8);
                if (n > len - at)
                    n = len - at;
                if (len + n <= cap) {
                    memmove(buf + at + n, buf + at, len - at);
                    len += n;
                }
            }
            break;
        default: /* truncate */
            len = at;
            break;
        }
    }
    return len;
}

static unsigned iters(void)
{
    const char *e = getenv("ROAM_FUZZ_ITERS");
    long v = e ? strtol(e, NULL, 10) : 0;
    return v > 0 ? (unsigned)v : 40000u;
}

static void random_bytes(unsigned n)
{
    char buf[96];
    for (unsigned it = 0; it < n; it++) {
        size_t len = rnd(sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = rnd(4) ? ALPHA[rnd(sizeof ALPHA - 1)] : (char)rnd(256);
        check_policy(buf, len);
    }
}

static void mutations(unsigned n)
{
    char buf[512];
    for (unsigned it = 0; it < n; it++) {
        const char *seed = SEEDS[rnd(sizeof SEEDS / sizeof SEEDS[0])];
        size_t len = strlen(seed);
        memcpy(buf, seed, len);
        len = mutate(buf, len, sizeof buf);
        check_policy(buf, len);
    }
}

static void encodings(unsigned n)
{
    static uint8_t enc[ABE_POL_MAX_ENCODED], e2[ABE_POL_MAX_ENCODED];
    unsigned bad = 0, ok_count = 0;
    for (unsigned it = 0; it < n; it++) {
        const char *seed = SEEDS[rnd(sizeof SEEDS / sizeof SEEDS[0])];
        size_t len = 0, l2 = 0;
        if (abe_policy_parse(P, seed, strlen(seed), NULL) != ABE_OK)
            continue;
        if (abe_policy_encode(P, enc, sizeof enc, &len) != ABE_OK) {
            bad++;
            continue;
        }
        unsigned flips = 1 + rnd(3);
        for (unsigned k = 0; k < flips; k++) {
            unsigned op = len > 0 ? rnd(4) : 3;
            switch (op) {
            case 0: enc[rnd((unsigned)len)] ^= (uint8_t)(1u << rnd(8)); break;
            case 1: enc[rnd((unsigned)len)] = (uint8_t)rnd(256); break;
            case 2: len = rnd((unsigned)len + 1); break;
            default:
                if (len + 1 < sizeof enc)
                    enc[len++] = (uint8_t)rnd(256);
                break;
            }
        }
        abe_error_t err;
        int rc = abe_policy_decode(Q, enc, len, &err);
        if (rc == ABE_OK) {
            ok_count++;
            bad += !(abe_policy_encode(Q, e2, sizeof e2, &l2) == ABE_OK && l2 == len &&
                     memcmp(enc, e2, len) == 0);
        } else {
            bad += !(rc < 0 && err.msg[0] != '\0' && Q->n_nodes == 0);
        }
    }
    tap_diag("mutated encodings accepted: %u of %u", ok_count, n);
    tap_eq(bad, 0, "decoder: mutated encodings rejected cleanly or re-encode identically");
}

static void keys(unsigned n)
{
    static const char *const K[] = {"HCU", "grade = 4", "x = 5#8", "expiry = 2027-03-31",
                                    "\"a b\"", "n = 18446744073709551615"};
    char buf[128];
    unsigned bad = 0;
    for (unsigned it = 0; it < n; it++) {
        const char *seed = K[rnd(sizeof K / sizeof K[0])];
        size_t len = strlen(seed);
        memcpy(buf, seed, len);
        len = mutate(buf, len, sizeof buf);
        abe_error_t err;
        abe_attr_set_init(S);
        int rc = abe_attr_set_add(S, buf, len, &err);
        if (rc != ABE_OK)
            bad += !(rc < 0 && err.code == rc && err.msg[0] != '\0' &&
                     (err.offset == ABE_NO_POS || err.offset <= len) && abe_attr_set_count(S) == 0);
    }
    tap_eq(bad, 0, "key attributes: mutated inputs accepted or refused cleanly");
}

int main(void)
{
    P = chk_policy_new();
    Q = chk_policy_new();
    L = chk_lsss_new();
    S = chk_set_new();
    unsigned n = iters();
    random_bytes(n);
    mutations(n);
    tap_diag("policies accepted %u, refused %u", accepted, refused);
    tap_eq(bad_err, 0, "every refusal has a code, a message and an offset in the input");
    tap_eq(bad_roundtrip, 0, "every accepted policy encodes, decodes identically and compiles");
    tap_ok(accepted > n / 50, "a fair share of inputs are valid policies");
    encodings(n);
    keys(n);
    free(P);
    free(Q);
    free(L);
    free(S);
    return tap_done();
}
