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

#include "hash_to_curve.h"
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

static int fp_equal_hex(const fp_t *a, const char *hex)
{
    uint8_t b[FP_BYTES];

    fp_to_bytes(b, a);
    return bytes_equal_hex(b, sizeof b, hex);
}

/* ---- expand_message_xmd --------------------------------------------------- */

static void test_xmd_kat(void)
{
    FILE *f = open_vec("xmd_sha256.txt");
    char *line = NULL;
    size_t cap = 0;
    int n = 0;

    while (f != NULL && getline(&line, &cap, f) > 0) {
        char *save, *dst_h, *msg_h, *len_h, *out_h;
        size_t dst_len, msg_len, len;
        uint8_t *dst, *msg, *out;

        if (line[0] == '#')
            continue;
        dst_h = strtok_r(line, " \n", &save);
        msg_h = strtok_r(NULL, " \n", &save);
        len_h = strtok_r(NULL, " \n", &save);
        out_h = strtok_r(NULL, " \n", &save);
        if (out_h == NULL)
            continue;
        dst = unhex(dst_h, &dst_len);
        msg = unhex(msg_h, &msg_len);
        len = strtoul(len_h, NULL, 10);
        out = malloc(len);
        tap_ok(dst && msg && out &&
               expand_message_xmd(out, len, msg, msg_len, dst, dst_len) == BLS_OK &&
               bytes_equal_hex(out, len, out_h),
               "expand_message_xmd KAT %d (dst %zu B, msg %zu B, len %zu)", ++n, dst_len,
               msg_len, len);
        free(dst);
        free(msg);
        free(out);
    }
    tap_ok(n >= 10, "xmd KAT file has %d vectors", n);
    free(line);
    if (f)
        fclose(f);
}

static void test_xmd_limits(void)
{
    static uint8_t out[H2C_XMD_MAX_BYTES + 1], dst[H2C_MAX_DST_BYTES + 1];
    const uint8_t msg[] = "abc";

    memset(dst, 'D', sizeof dst);
    tap_ok(expand_message_xmd(out, 32, msg, 3, dst, 0) == BLS_ERR_ARGUMENT, "xmd: empty DST rejected");
    tap_ok(expand_message_xmd(out, 32, msg, 3, dst, 255) == BLS_OK, "xmd: 255-byte DST accepted");
    tap_ok(expand_message_xmd(out, 32, msg, 3, dst, 256) == BLS_ERR_ARGUMENT,
           "xmd: 256-byte DST rejected (no oversize-DST reduction)");
    tap_ok(expand_message_xmd(out, 0, msg, 3, dst, 8) == BLS_ERR_ARGUMENT, "xmd: len 0 rejected");
    tap_ok(expand_message_xmd(out, 255 * 32, msg, 3, dst, 8) == BLS_OK, "xmd: ell = 255 accepted");
    tap_ok(expand_message_xmd(out, 255 * 32 + 1, msg, 3, dst, 8) == BLS_ERR_ARGUMENT,
           "xmd: ell = 256 rejected");
    tap_ok(expand_message_xmd(out, 65535, msg, 3, dst, 8) == BLS_ERR_ARGUMENT,
           "xmd: len 65535 rejected (ell > 255)");
    tap_ok(expand_message_xmd(out, 32, NULL, 3, dst, 8) == BLS_ERR_ARGUMENT, "xmd: NULL msg with length");
    tap_ok(expand_message_xmd(out, 32, NULL, 0, dst, 8) == BLS_OK, "xmd: NULL empty msg");
    tap_ok(expand_message_xmd(NULL, 32, msg, 3, dst, 8) == BLS_ERR_ARGUMENT, "xmd: NULL output");
}

/* ---- hash_to_field into Fr (FABEO KEM coins) ------------------------------ */

static void test_fr_h2f(void)
{
    FILE *f = open_vec("h2f_fr.txt");
    char *line = NULL;
    size_t cap = 0;
    int n = 0;

    while (f != NULL && getline(&line, &cap, f) > 0) {
        char *save, *dst_h, *msg_h, *count_h;
        size_t dst_len, msg_len, count;
        uint8_t *dst, *msg;
        fr_t *s;
        int ok;

        if (line[0] == '#')
            continue;
        dst_h = strtok_r(line, " \n", &save);
        msg_h = strtok_r(NULL, " \n", &save);
        count_h = strtok_r(NULL, " \n", &save);
        if (count_h == NULL)
            continue;
        dst = unhex(dst_h, &dst_len);
        msg = unhex(msg_h, &msg_len);
        count = strtoul(count_h, NULL, 10);
        s = calloc(count, sizeof *s);
        ok = dst && msg && s && fr_hash_to_field(s, count, msg, msg_len, dst, dst_len) == BLS_OK;
        for (size_t i = 0; ok && i < count; i++) {
            uint8_t b[FR_BYTES];
            fr_to_bytes(b, &s[i]);
            ok = bytes_equal_hex(b, sizeof b, strtok_r(NULL, " \n", &save));
        }
        tap_ok(ok, "fr_hash_to_field KAT %d (count %zu)", ++n, count);
        free(dst);
        free(msg);
        free(s);
    }
    tap_ok(n >= 3, "Fr hash_to_field file has %d vectors", n);
    free(line);
    if (f)
        fclose(f);

    {
        fr_t s[171];
        const uint8_t dst[] = "ROAM-FABEO-V01-KEM-COINS";
        tap_ok(fr_hash_to_field(s, 0, dst, 1, dst, 24) == BLS_ERR_ARGUMENT, "fr h2f: count 0 rejected");
        tap_ok(fr_hash_to_field(s, 171, dst, 1, dst, 24) == BLS_ERR_ARGUMENT,
               "fr h2f: count 171 (> 8160 bytes) rejected");
        tap_ok(fr_hash_to_field(s, 2, dst, 1, dst, 256) == BLS_ERR_ARGUMENT, "fr h2f: long DST rejected");
    }
}

/* ---- RFC 9380 suites ------------------------------------------------------ */

struct h2c_case {
    int g2, ro;
    uint8_t *dst, *msg;
    size_t dst_len, msg_len;
};

/* Affine coordinates as Fp components in file order: x, y for G1 and
 * x.c0, x.c1, y.c0, y.c1 for G2.  Returns the count, 0 for the identity. */
static size_t g1_components(fp_t *c, const g1_t *p)
{
    g1_affine_t a;

    g1_to_affine(&a, p);
    c[0] = a.x;
    c[1] = a.y;
    return a.infinity ? 0 : 2;
}

static size_t g2_components(fp_t *c, const g2_t *p)
{
    g2_affine_t a;

    g2_to_affine(&a, p);
    c[0] = a.x.c0;
    c[1] = a.x.c1;
    c[2] = a.y.c0;
    c[3] = a.y.c1;
    return a.infinity ? 0 : 4;
}

/* What a vector line names: "u" (all u values), "Q0"/"Q1"/"Q" (map_to_curve of
 * u[i]) or "P" (the suite's output), as Fp components. */
static size_t h2c_compute(fp_t *c, const struct h2c_case *t, const char *what)
{
    size_t count = t->ro ? 2 : 1, i = what[0] == 'Q' && what[1] == '1';
    fp_t u1[2];
    fp2_t u2[2];
    g1_t p1;
    g2_t p2;

    if (t->g2) {
        if (fp2_hash_to_field(u2, count, t->msg, t->msg_len, t->dst, t->dst_len) != BLS_OK)
            return 0;
        if (what[0] == 'u') {
            for (size_t j = 0; j < count; j++) {
                c[2 * j] = u2[j].c0;
                c[2 * j + 1] = u2[j].c1;
            }
            return 2 * count;
        }
        if (what[0] == 'Q')
            g2_map_to_curve(&p2, &u2[i]);
        else if ((t->ro ? g2_hash_to_curve : g2_encode_to_curve)(&p2, t->msg, t->msg_len, t->dst,
                                                                  t->dst_len) != BLS_OK ||
                 !g2_is_in_subgroup(&p2))
            return 0;
        return g2_components(c, &p2);
    }
    if (fp_hash_to_field(u1, count, t->msg, t->msg_len, t->dst, t->dst_len) != BLS_OK)
        return 0;
    if (what[0] == 'u') {
        memcpy(c, u1, count * sizeof *u1);
        return count;
    }
    if (what[0] == 'Q')
        g1_map_to_curve(&p1, &u1[i]);
    else if ((t->ro ? g1_hash_to_curve : g1_encode_to_curve)(&p1, t->msg, t->msg_len, t->dst,
                                                              t->dst_len) != BLS_OK ||
             !g1_is_in_subgroup(&p1))
        return 0;
    return g1_components(c, &p1);
}

static void test_h2c_file(int g2, int ro)
{
    char name[32];
    struct h2c_case t = { g2, ro, NULL, NULL, 0, 0 };
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    int vec = 0, lines = 0;

    snprintf(name, sizeof name, "h2c_G%d_%s.txt", g2 ? 2 : 1, ro ? "RO" : "NU");
    f = open_vec(name);
    while (f != NULL && getline(&line, &cap, f) > 0) {
        char *save, *key = strtok_r(line, " \n", &save), *tok;
        fp_t c[4];
        size_t n, k = 0;
        int ok;

        if (key == NULL || key[0] == '#')
            continue;
        if (strcmp(key, "dst") == 0) {
            free(t.dst);
            t.dst = unhex(strtok_r(NULL, " \n", &save), &t.dst_len);
            continue;
        }
        if (strcmp(key, "msg") == 0) {
            free(t.msg);
            t.msg = unhex(strtok_r(NULL, " \n", &save), &t.msg_len);
            vec++;
            continue;
        }
        n = h2c_compute(c, &t, key);
        ok = n > 0;
        while ((tok = strtok_r(NULL, " \n", &save)) != NULL)
            ok = ok && k < n && fp_equal_hex(&c[k++], tok);
        tap_ok(ok && k == n, "%s vector %d: %s", name, vec, key);
        lines++;
    }
    tap_ok(vec >= 5 && lines >= 3 * vec, "%s: %d vectors, %d checks", name, vec, lines);
    free(t.dst);
    free(t.msg);
    free(line);
    if (f)
        fclose(f);
}

/* map_to_curve lands on E for u = 0 (the exceptional SSWU case) and for many
 * inputs on both sides of the sqrt_ratio branch; the cleared point is in G. */
static void test_map_on_curve(void)
{
    const uint8_t dst[] = "roam-test-map";
    int bad1 = 0, bad2 = 0;

    for (int i = 0; i < 64; i++) {
        uint8_t msg[4] = { (uint8_t)i };
        fp_t u1;
        fp2_t u2;
        g1_t p1;
        g2_t p2;
        g1_affine_t a1;
        g2_affine_t a2;

        fp_hash_to_field(&u1, 1, msg, sizeof msg, dst, sizeof dst - 1);
        fp2_hash_to_field(&u2, 1, msg, sizeof msg, dst, sizeof dst - 1);
        if (i == 0) {
            u1 = FP_ZERO;
            u2 = FP2_ZERO;
        }
        g1_map_to_curve(&p1, &u1);
        g2_map_to_curve(&p2, &u2);
        g1_to_affine(&a1, &p1);
        g2_to_affine(&a2, &p2);
        bad1 += a1.infinity || !g1_affine_is_on_curve(&a1);
        bad2 += a2.infinity || !g2_affine_is_on_curve(&a2);
        g1_clear_cofactor(&p1, &p1);
        g2_clear_cofactor(&p2, &p2);
        bad1 += !g1_is_in_subgroup(&p1);
        bad2 += !g2_is_in_subgroup(&p2);
    }
    tap_ok(bad1 == 0, "G1 map_to_curve: 64 inputs (incl. u = 0) on E, cleared into G1");
    tap_ok(bad2 == 0, "G2 map_to_curve: 64 inputs (incl. u = 0) on E', cleared into G2");
}

static void test_h2c_arguments(void)
{
    uint8_t dst[256];
    g1_t p1;
    g2_t p2;

    memset(dst, 'x', sizeof dst);
    tap_ok(g1_hash_to_curve(&p1, dst, 3, dst, 0) == BLS_ERR_ARGUMENT, "g1_hash_to_curve: empty DST");
    tap_ok(g1_hash_to_curve(&p1, dst, 3, dst, 256) == BLS_ERR_ARGUMENT, "g1_hash_to_curve: 256-byte DST");
    tap_ok(g1_encode_to_curve(&p1, dst, 3, NULL, 10) == BLS_ERR_ARGUMENT, "g1_encode_to_curve: NULL DST");
    tap_ok(g2_hash_to_curve(&p2, dst, 3, dst, 256) == BLS_ERR_ARGUMENT, "g2_hash_to_curve: 256-byte DST");
    tap_ok(g2_encode_to_curve(&p2, NULL, 3, dst, 8) == BLS_ERR_ARGUMENT, "g2_encode_to_curve: NULL msg");
    tap_ok(g1_hash_to_curve(&p1, dst, 3, dst, 255) == BLS_OK && g1_is_in_subgroup(&p1),
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
    g1_t p1;
    g2_t p2;
    double t0, t1, t2;

    t0 = now();
    for (int i = 0; i < n1; i++) {
        msg[1] = (uint8_t)i;
        g1_hash_to_curve(&p1, msg, sizeof msg, dst, sizeof dst - 1);
    }
    t1 = now();
    for (int i = 0; i < n2; i++) {
        msg[1] = (uint8_t)i;
        g2_hash_to_curve(&p2, msg, sizeof msg, dst, sizeof dst - 1);
    }
    t2 = now();
    tap_diag("hash_to_G1: %.4f ms, hash_to_G2: %.4f ms", 1e3 * (t1 - t0) / n1, 1e3 * (t2 - t1) / n2);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        vec_dir = argv[1];
    test_xmd_kat();
    test_xmd_limits();
    test_fr_h2f();
    test_h2c_file(0, 1);
    test_h2c_file(0, 0);
    test_h2c_file(1, 1);
    test_h2c_file(1, 0);
    test_map_on_curve();
    test_h2c_arguments();
    report_timing();
    return tap_done();
}
