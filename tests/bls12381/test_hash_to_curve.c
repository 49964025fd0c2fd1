/* Tests for RFC 9380 hashing: expand_message_xmd and Fr hash_to_field known
 * answers (tests/oracle/xmd_kat.py, hashlib), the RFC's BLS12-381 suites
 * (u, Q0/Q1 or Q, P from tests/vectors/bls12381/h2c_*.txt, converted from the
 * RFC JSON by tests/oracle/h2c_vectors.py), argument limits, and a timing
 * diagnostic.  argv[1] is the tests/vectors directory. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal/hash_to_curve.h"
#include "tap.h"

static const char *vec_dir = "tests/vectors";

static FILE *open_vec(const char *name)
{
    char path[1024];
    FILE *f;

    snprintf(path, sizeof path, "%s/bls12381/%s", vec_dir, name);
    f = fopen(path, "r");
    if (f == NULL)
        tap_ok(0, "open %s", path);
    return f;
}

/* Hex (or "-" for empty) to a malloc'ed buffer; NULL on bad hex. */
static uint8_t *unhex(const char *hex, size_t *len)
{
    size_t n = strcmp(hex, "-") == 0 ? 0 : strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);

    if (out == NULL || n % 2 != 0) {
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return out;
}

static int bytes_equal_hex(const uint8_t *b, size_t n, const char *hex)
{
    size_t len;
    uint8_t *want = hex ? unhex(hex, &len) : NULL;
    int ok = want != NULL && len == n && memcmp(want, b, n) == 0;

    free(want);
    return ok;
}

static int fp_equal_hex(const bls_fp_t *a, const char *hex)
{
    uint8_t b[BLS_FP_BYTES];

    bls_fp_to_bytes(b, a);
    return bytes_equal_hex(b, sizeof b, hex);
}

/* Calls fn for each line of a vector file that is not a comment, split at
 * spaces; returns the number of lines. */
typedef void (*record_fn)(char **tok, int n, void *ctx);

static int for_each_record(const char *name, record_fn fn, void *ctx)
{
    FILE *f = open_vec(name);
    char *line = NULL, *tok[256], *save;
    size_t cap = 0;
    int records = 0;

    while (f != NULL && getline(&line, &cap, f) > 0) {
        int n = 0;
        for (char *t = strtok_r(line, " \n", &save); t != NULL && n < 256; t = strtok_r(NULL, " \n", &save))
            tok[n++] = t;
        if (n == 0 || tok[0][0] == '#')
            continue;
        fn(tok, n, ctx);
        records++;
    }
    free(line);
    if (f)
        fclose(f);
    return records;
}

/* ---- expand_message_xmd --------------------------------------------------- */

/* dst msg len uniform_bytes */
static void xmd_record(char **tok, int n, void *ctx)
{
    size_t dst_len, msg_len, len = n == 4 ? strtoul(tok[2], NULL, 10) : 0;
    uint8_t *dst = unhex(tok[0], &dst_len), *msg = unhex(tok[1], &msg_len), *out = malloc(len + 1);

    tap_ok(n == 4 && dst && msg && out &&
           bls_expand_message_xmd(out, len, msg, msg_len, dst, dst_len) == BLS_OK &&
           bytes_equal_hex(out, len, tok[3]),
           "expand_message_xmd KAT %d (dst %zu B, msg %zu B, len %zu)", ++*(int *)ctx, dst_len,
           msg_len, len);
    free(dst);
    free(msg);
    free(out);
}

static void test_xmd_limits(void)
{
    static uint8_t out[BLS_H2C_XMD_MAX_BYTES + 1], dst[BLS_H2C_MAX_DST_BYTES + 1];
    const uint8_t msg[] = "abc";

    memset(dst, 'D', sizeof dst);
    tap_eq(bls_expand_message_xmd(out, 32, msg, 3, dst, 0), BLS_ERR_ARGUMENT, "xmd: empty DST rejected");
    tap_eq(bls_expand_message_xmd(out, 32, msg, 3, dst, 255), BLS_OK, "xmd: 255-byte DST accepted");
    tap_eq(bls_expand_message_xmd(out, 32, msg, 3, dst, 256), BLS_ERR_ARGUMENT,
           "xmd: 256-byte DST rejected (no oversize-DST reduction)");
    tap_eq(bls_expand_message_xmd(out, 0, msg, 3, dst, 8), BLS_ERR_ARGUMENT, "xmd: len 0 rejected");
    tap_eq(bls_expand_message_xmd(out, 255 * 32, msg, 3, dst, 8), BLS_OK, "xmd: ell = 255 accepted");
    tap_eq(bls_expand_message_xmd(out, 255 * 32 + 1, msg, 3, dst, 8), BLS_ERR_ARGUMENT,
           "xmd: ell = 256 rejected");
    tap_eq(bls_expand_message_xmd(out, 65535, msg, 3, dst, 8), BLS_ERR_ARGUMENT,
           "xmd: len 65535 rejected (ell > 255)");
    tap_eq(bls_expand_message_xmd(out, 32, NULL, 3, dst, 8), BLS_ERR_ARGUMENT, "xmd: NULL msg with length");
    tap_eq(bls_expand_message_xmd(out, 32, NULL, 0, dst, 8), BLS_OK, "xmd: NULL empty msg");
    tap_eq(bls_expand_message_xmd(NULL, 32, msg, 3, dst, 8), BLS_ERR_ARGUMENT, "xmd: NULL output");
}

/* ---- hash_to_field into Fr (FABEO KEM coins) ------------------------------ */

/* dst msg count e_0 ... e_(count-1) */
static void fr_record(char **tok, int n, void *ctx)
{
    size_t dst_len, msg_len, count = n >= 3 ? strtoul(tok[2], NULL, 10) : 0;
    uint8_t *dst = unhex(tok[0], &dst_len), *msg = unhex(tok[1], &msg_len);
    bls_fr_t *s = calloc(count + 1, sizeof *s);
    int ok = (size_t)n == 3 + count && dst && msg && s &&
             bls_fr_hash_to_field(s, count, msg, msg_len, dst, dst_len) == BLS_OK;

    for (size_t i = 0; ok && i < count; i++) {
        uint8_t b[BLS_FR_BYTES];
        bls_fr_to_bytes(b, &s[i]);
        ok = bytes_equal_hex(b, sizeof b, tok[3 + i]);
    }
    tap_ok(ok, "fr_hash_to_field KAT %d (count %zu)", ++*(int *)ctx, count);
    free(dst);
    free(msg);
    free(s);
}

static void test_fr_limits(void)
{
    bls_fr_t s[171];
    const uint8_t dst[] = "ROAM-FABEO-V01-KEM-COINS";

    tap_eq(bls_fr_hash_to_field(s, 0, dst, 1, dst, 24), BLS_ERR_ARGUMENT, "fr h2f: count 0 rejected");
    tap_eq(bls_fr_hash_to_field(s, 171, dst, 1, dst, 24), BLS_ERR_ARGUMENT,
           "fr h2f: count 171 (> 8160 bytes) rejected");
    tap_eq(bls_fr_hash_to_field(s, 2, dst, 1, dst, 256), BLS_ERR_ARGUMENT, "fr h2f: long DST rejected");
}

/* A known-answer file: each record is one test point, and the file must
 * hold at least min of them. */
static void test_kat_file(const char *name, record_fn fn, int min)
{
    int n = 0;

    tap_ok(for_each_record(name, fn, &n) >= min, "%s: %d vectors", name, n);
}

/* ---- RFC 9380 suites ------------------------------------------------------ */

struct h2c_case {
    int g2, ro;
    uint8_t *dst, *msg;
    size_t dst_len, msg_len;
    const char *name;
    int vectors, checks;
};

/* Affine coordinates as Fp components in file order: x, y for G1 and
 * x.c0, x.c1, y.c0, y.c1 for G2.  Returns the count, 0 for the identity. */
static size_t g1_components(bls_fp_t *c, const bls_g1_t *p)
{
    bls_g1_affine_t a;

    bls_g1_to_affine(&a, p);
    c[0] = a.x;
    c[1] = a.y;
    return a.infinity ? 0 : 2;
}

static size_t g2_components(bls_fp_t *c, const bls_g2_t *p)
{
    bls_g2_affine_t a;

    bls_g2_to_affine(&a, p);
    c[0] = a.x.c0;
    c[1] = a.x.c1;
    c[2] = a.y.c0;
    c[3] = a.y.c1;
    return a.infinity ? 0 : 4;
}

/* What a vector line names: "u" (all u values), "Q0"/"Q1"/"Q" (map_to_curve of
 * u[i]) or "P" (the suite's output, which must lie in the subgroup), as Fp
 * components; 0 on any failure. */
static size_t h2c_compute(bls_fp_t *c, const struct h2c_case *t, const char *what)
{
    size_t count = t->ro ? 2 : 1, i = what[0] == 'Q' && what[1] == '1';
    bls_fp_t u1[2];
    bls_fp2_t u2[2];
    union { bls_g1_t g1; bls_g2_t g2; } p;
    int err = t->g2 ? bls_fp2_hash_to_field(u2, count, t->msg, t->msg_len, t->dst, t->dst_len)
                    : bls_fp_hash_to_field(u1, count, t->msg, t->msg_len, t->dst, t->dst_len);

    if (err != BLS_OK)
        return 0;
    if (what[0] == 'u') {
        for (size_t j = 0; j < count; j++) {
            if (!t->g2)
                c[j] = u1[j];
            else {
                c[2 * j] = u2[j].c0;
                c[2 * j + 1] = u2[j].c1;
            }
        }
        return t->g2 ? 2 * count : count;
    }
    if (what[0] == 'Q') {
        if (t->g2)
            bls_g2_map_to_curve(&p.g2, &u2[i]);
        else
            bls_g1_map_to_curve(&p.g1, &u1[i]);
    } else if (t->g2) {
        err = (t->ro ? bls_g2_hash_to_curve : bls_g2_encode_to_curve)(&p.g2, t->msg, t->msg_len, t->dst, t->dst_len);
        err = err != BLS_OK || !bls_g2_is_in_subgroup(&p.g2);
    } else {
        err = (t->ro ? bls_g1_hash_to_curve : bls_g1_encode_to_curve)(&p.g1, t->msg, t->msg_len, t->dst, t->dst_len);
        err = err != BLS_OK || !bls_g1_is_in_subgroup(&p.g1);
    }
    if (err)
        return 0;
    return t->g2 ? g2_components(c, &p.g2) : g1_components(c, &p.g1);
}

/* One line of an h2c_*.txt file: "dst" and "msg" set up the case, any other
 * key is checked against h2c_compute. */
static void h2c_record(char **tok, int n, void *ctx)
{
    struct h2c_case *t = ctx;
    bls_fp_t c[4];
    size_t count;
    int ok;

    if (strcmp(tok[0], "dst") == 0 || strcmp(tok[0], "msg") == 0) {
        int is_dst = tok[0][0] == 'd';
        free(is_dst ? t->dst : t->msg);
        if (is_dst)
            t->dst = unhex(n > 1 ? tok[1] : "-", &t->dst_len);
        else
            t->msg = unhex(n > 1 ? tok[1] : "-", &t->msg_len);
        t->vectors += !is_dst;
        return;
    }
    count = h2c_compute(c, t, tok[0]);
    ok = count > 0 && (size_t)n == 1 + count;
    for (size_t k = 0; ok && k < count; k++)
        ok = fp_equal_hex(&c[k], tok[1 + k]);
    tap_ok(ok, "%s vector %d: %s", t->name, t->vectors, tok[0]);
    t->checks++;
}

static void test_h2c_file(int g2, int ro)
{
    char name[32];
    struct h2c_case t = { g2, ro, NULL, NULL, 0, 0, name, 0, 0 };

    snprintf(name, sizeof name, "h2c_G%d_%s.txt", g2 ? 2 : 1, ro ? "RO" : "NU");
    for_each_record(name, h2c_record, &t);
    tap_ok(t.vectors >= 5 && t.checks >= 3 * t.vectors, "%s: %d vectors, %d checks", name, t.vectors,
           t.checks);
    free(t.dst);
    free(t.msg);
}

/* map_to_curve lands on E for u = 0 (the exceptional SSWU case) and for many
 * inputs on both sides of the sqrt_ratio branch; the cleared point is in G. */
static void test_map_on_curve(void)
{
    const uint8_t dst[] = "roam-test-map";
    int bad1 = 0, bad2 = 0;

    for (int i = 0; i < 64; i++) {
        uint8_t msg[4] = { (uint8_t)i };
        bls_fp_t u1;
        bls_fp2_t u2;
        bls_g1_t p1;
        bls_g2_t p2;
        bls_g1_affine_t a1;
        bls_g2_affine_t a2;

        bls_fp_hash_to_field(&u1, 1, msg, sizeof msg, dst, sizeof dst - 1);
        bls_fp2_hash_to_field(&u2, 1, msg, sizeof msg, dst, sizeof dst - 1);
        if (i == 0) {
            u1 = BLS_FP_ZERO;
            u2 = BLS_FP2_ZERO;
        }
        bls_g1_map_to_curve(&p1, &u1);
        bls_g2_map_to_curve(&p2, &u2);
        bls_g1_to_affine(&a1, &p1);
        bls_g2_to_affine(&a2, &p2);
        bad1 += a1.infinity || !bls_g1_affine_is_on_curve(&a1);
        bad2 += a2.infinity || !bls_g2_affine_is_on_curve(&a2);
        bls_g1_clear_cofactor(&p1, &p1);
        bls_g2_clear_cofactor(&p2, &p2);
        bad1 += !bls_g1_is_in_subgroup(&p1);
        bad2 += !bls_g2_is_in_subgroup(&p2);
    }
    tap_eq(bad1, 0, "G1 map_to_curve: 64 inputs (incl. u = 0) on E, cleared into G1");
    tap_eq(bad2, 0, "G2 map_to_curve: 64 inputs (incl. u = 0) on E', cleared into G2");
}

static void test_h2c_arguments(void)
{
    uint8_t dst[256];
    bls_g1_t p1;
    bls_g2_t p2;

    memset(dst, 'x', sizeof dst);
    tap_eq(bls_g1_hash_to_curve(&p1, dst, 3, dst, 0), BLS_ERR_ARGUMENT, "g1_hash_to_curve: empty DST");
    tap_eq(bls_g1_hash_to_curve(&p1, dst, 3, dst, 256), BLS_ERR_ARGUMENT, "g1_hash_to_curve: 256-byte DST");
    tap_eq(bls_g1_encode_to_curve(&p1, dst, 3, NULL, 10), BLS_ERR_ARGUMENT, "g1_encode_to_curve: NULL DST");
    tap_eq(bls_g2_hash_to_curve(&p2, dst, 3, dst, 256), BLS_ERR_ARGUMENT, "g2_hash_to_curve: 256-byte DST");
    tap_eq(bls_g2_encode_to_curve(&p2, NULL, 3, dst, 8), BLS_ERR_ARGUMENT, "g2_encode_to_curve: NULL msg");
    tap_ok(bls_g1_hash_to_curve(&p1, dst, 3, dst, 255) == BLS_OK && bls_g1_is_in_subgroup(&p1),
           "g1_hash_to_curve: 255-byte DST accepted");
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Not a pass/fail point (machines differ): the figure goes into the log. */
static void report_timing(void)
{
    const uint8_t dst[] = "FAME-BLS12381-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";
    uint8_t msg[32] = { 0x01 };
    const int n1 = 2000, n2 = 200;
    bls_g1_t p1;
    bls_g2_t p2;
    double t0, t1, t2;

    t0 = now();
    for (int i = 0; i < n1; i++) {
        msg[1] = (uint8_t)i;
        bls_g1_hash_to_curve(&p1, msg, sizeof msg, dst, sizeof dst - 1);
    }
    t1 = now();
    for (int i = 0; i < n2; i++) {
        msg[1] = (uint8_t)i;
        bls_g2_hash_to_curve(&p2, msg, sizeof msg, dst, sizeof dst - 1);
    }
    t2 = now();
    tap_diag("hash_to_G1: %.4f ms, hash_to_G2: %.4f ms", 1e3 * (t1 - t0) / n1, 1e3 * (t2 - t1) / n2);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        vec_dir = argv[1];
    test_kat_file("xmd_sha256.txt", xmd_record, 10);
    test_xmd_limits();
    test_kat_file("h2f_fr.txt", fr_record, 3);
    test_fr_limits();
    test_h2c_file(0, 1);
    test_h2c_file(0, 0);
    test_h2c_file(1, 1);
    test_h2c_file(1, 0);
    test_map_on_curve();
    test_h2c_arguments();
    report_timing();
    return tap_done();
}
