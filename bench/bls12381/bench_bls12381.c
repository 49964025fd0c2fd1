/* bench-bls12381: per-operation timings of roam's BLS12-381 library.
 *
 * Each row is calibrated so that one batch takes about 40 ms, then timed for
 * REPS batches (about 0.3 s per row); the median batch gives ns/op.  The
 * batches are taken in rounds over all rows rather than row by row, so that
 * bursts of load from other processes on a shared machine spread over the
 * rows instead of spoiling one.  Output: an aligned table, then CSV
 * "op,ns_per_op,iterations" (iterations = all timed operations of the row).
 * Usage: bench-bls12381 [filter-substring]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bls12381.h"

#define REPS 7
#define BATCH_NS 40000000.0 /* 40 ms */
#define MSM_N 64
#define MAX_PAIRS 10

typedef struct {
    bls_fp_t fa, fb;
    bls_fr_t k[MSM_N];
    bls_g1_t p1;
    bls_g2_t p2;
    bls_g1_affine_t a1[MSM_N];
    bls_g2_affine_t a2[MSM_N];
    bls_g1_fixed_base_t *fb1;
    bls_g2_fixed_base_t *fb2;
    uint8_t enc1[BLS_G1_COMPRESSED_BYTES], enc2[BLS_G2_COMPRESSED_BYTES];
    bls_fp12_t f;
    bls_gt_t e;
    bls_gt_fixed_base_t *fbt;
    bls_g2_prepared_t *prep;
    uint64_t sink;
} state_t;

typedef void (*op_fn)(state_t *s);

typedef struct {
    const char *name;
    op_fn fn;
    unsigned long long n;       /* operations per batch */
    double t[REPS];             /* ns per operation of each batch */
    double ns;                  /* median */
} row_t;

static row_t rows[64];
static size_t n_rows;

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double time_batch(op_fn fn, state_t *s, unsigned long long n)
{
    double t0 = now_ns();
    unsigned long long i;

    for (i = 0; i < n; i++)
        fn(s);
    return now_ns() - t0;
}

/* Registers a row and calibrates its batch size. */
static void bench(const char *filter, const char *name, op_fn fn, state_t *s)
{
    unsigned long long n = 1;
    double dt;

    if (filter != NULL && strstr(name, filter) == NULL)
        return;
    /* double n until a batch reaches ~1/4 of the target, then scale */
    while ((dt = time_batch(fn, s, n)) < BATCH_NS / 4)
        n *= 2;
    rows[n_rows].name = name;
    rows[n_rows].fn = fn;
    rows[n_rows].n = (unsigned long long)((double)n * BATCH_NS / dt) + 1;
    n_rows++;
}

static void run_rounds(state_t *s)
{
    size_t i;
    int r;

    for (r = 0; r < REPS; r++)
        for (i = 0; i < n_rows; i++)
            rows[i].t[r] = time_batch(rows[i].fn, s, rows[i].n) / (double)rows[i].n;
    for (i = 0; i < n_rows; i++) {
        qsort(rows[i].t, REPS, sizeof rows[i].t[0], cmp_double);
        rows[i].ns = rows[i].t[REPS / 2];
    }
}

/* ---- the operations: each feeds its output back into its input so that
 * nothing can be hoisted out of the loop ---------------------------------- */
static void op_fp_mul(state_t *s) { bls_fp_mul(&s->fa, &s->fa, &s->fb); }
static void op_fp_inv(state_t *s) { bls_fp_inv(&s->fa, &s->fa); bls_fp_add(&s->fa, &s->fa, &s->fb); }
static void op_g1_mul(state_t *s) { bls_g1_t r; bls_g1_mul(&r, &s->p1, &s->k[0]); s->p1 = r; }
static void op_g1_mul_vt(state_t *s) { bls_g1_t r; bls_g1_mul_vartime(&r, &s->p1, &s->k[0]); s->p1 = r; }
static void op_g1_fixed(state_t *s) { bls_g1_fixed_base_mul(&s->p1, s->fb1, &s->k[0]); s->k[0].l[0] ^= s->p1.x.l[0] & 1; }
static void op_g1_fixed_vt(state_t *s) { bls_g1_fixed_base_mul_vartime(&s->p1, s->fb1, &s->k[0]); s->k[0].l[0] ^= s->p1.x.l[0] & 1; }
static void op_g2_mul(state_t *s) { bls_g2_t r; bls_g2_mul(&r, &s->p2, &s->k[0]); s->p2 = r; }
static void op_g2_mul_vt(state_t *s) { bls_g2_t r; bls_g2_mul_vartime(&r, &s->p2, &s->k[0]); s->p2 = r; }
static void op_g2_fixed(state_t *s) { bls_g2_fixed_base_mul(&s->p2, s->fb2, &s->k[0]); s->k[0].l[0] ^= s->p2.x.c0.l[0] & 1; }
static void op_g2_fixed_vt(state_t *s) { bls_g2_fixed_base_mul_vartime(&s->p2, s->fb2, &s->k[0]); s->k[0].l[0] ^= s->p2.x.c0.l[0] & 1; }
static void op_g1_msm(state_t *s) { s->sink += (uint64_t)bls_g1_msm_vartime(&s->p1, s->a1, s->k, MSM_N); }
static void op_g2_msm(state_t *s) { s->sink += (uint64_t)bls_g2_msm_vartime(&s->p2, s->a2, s->k, MSM_N); }

static const uint8_t DST1[] = "QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";
static const uint8_t DST2[] = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";
static void op_h2g1(state_t *s)
{
    uint8_t msg[32] = { 0 };
    memcpy(msg, &s->sink, sizeof s->sink);
    bls_g1_hash_to_curve(&s->p1, msg, sizeof msg, DST1, sizeof DST1 - 1);
    s->sink += s->p1.x.l[0];
}
static void op_h2g2(state_t *s)
{
    uint8_t msg[32] = { 0 };
    memcpy(msg, &s->sink, sizeof s->sink);
    bls_g2_hash_to_curve(&s->p2, msg, sizeof msg, DST2, sizeof DST2 - 1);
    s->sink += s->p2.x.c0.l[0];
}
static void op_g1_decode(state_t *s) { s->sink += (uint64_t)bls_g1_from_bytes(&s->a1[1], s->enc1, sizeof s->enc1, 0); }
static void op_g2_decode(state_t *s) { s->sink += (uint64_t)bls_g2_from_bytes(&s->a2[1], s->enc2, sizeof s->enc2, 0); }

static void op_miller(state_t *s) { bls_miller_loop(&s->f, &s->a1[0], &s->a2[0]); s->sink += s->f.c0.c0.c0.l[0]; }
static void op_final_exp(state_t *s) { bls_final_exp(&s->e, &s->f); s->f = s->e.v; }
static void op_pairing(state_t *s) { bls_pairing(&s->e, &s->a1[0], &s->a2[0]); s->sink += s->e.v.c0.c0.c0.l[0]; }
static void op_pairing_prep(state_t *s)
{
    bls_miller_loop_prepared(&s->f, &s->a1[0], s->prep, 1);
    bls_final_exp(&s->e, &s->f);
}
static void op_multi6(state_t *s) { bls_pairing_multi(&s->e, s->a1, s->a2, 6); s->sink += s->e.v.c0.c0.c0.l[0]; }
static void op_multi10(state_t *s) { bls_pairing_multi(&s->e, s->a1, s->a2, 10); s->sink += s->e.v.c0.c0.c0.l[0]; }
static void op_multi3_prep(state_t *s)
{
    bls_miller_loop_prepared(&s->f, s->a1, s->prep, 3);
    bls_final_exp(&s->e, &s->f);
}
static void op_gt_pow(state_t *s) { bls_gt_pow(&s->e, &s->e, &s->k[0]); }
static void op_gt_pow_vt(state_t *s) { bls_gt_pow_vartime(&s->e, &s->e, &s->k[0]); }
static void op_gt_fixed(state_t *s) { bls_gt_fixed_base_pow(&s->e, s->fbt, &s->k[0]); s->k[0].l[0] ^= s->e.v.c0.c0.c0.l[0] & 1; }
static void op_gt_decode(state_t *s)
{
    uint8_t b[BLS_GT_BYTES];
    bls_gt_to_bytes(b, &s->e);
    s->sink += (uint64_t)bls_gt_from_bytes(&s->e, b, sizeof b);
}

int main(int argc, char **argv)
{
    static state_t s;
    const char *filter = argc > 1 ? argv[1] : NULL;
    bls_g1_t g1, t1[MSM_N];
    bls_g2_t g2, t2[MSM_N];
    size_t i;

    s.fb1 = malloc(sizeof *s.fb1);
    s.fb2 = malloc(sizeof *s.fb2);
    s.fbt = malloc(sizeof *s.fbt);
    s.prep = malloc(MAX_PAIRS * sizeof *s.prep);
    if (!s.fb1 || !s.fb2 || !s.fbt || !s.prep)
        return 1;
    bls_fp_from_u64(&s.fa, 0x1234567);
    bls_fp_from_u64(&s.fb, 0x89abcdef);
    bls_g1_generator(&g1);
    bls_g2_generator(&g2);
    for (i = 0; i < MSM_N; i++) {
        bls_fr_random(&s.k[i]);
        bls_g1_mul_vartime(&t1[i], &g1, &s.k[i]);
        bls_g2_mul_vartime(&t2[i], &g2, &s.k[i]);
    }
    bls_g1_batch_to_affine_vartime(s.a1, t1, MSM_N);
    bls_g2_batch_to_affine_vartime(s.a2, t2, MSM_N);
    for (i = 0; i < MAX_PAIRS; i++)
        bls_g2_prepare(&s.prep[i], &s.a2[i]);
    s.p1 = t1[0];
    s.p2 = t2[0];
    bls_g1_fixed_base_init(s.fb1, &g1);
    bls_g2_fixed_base_init(s.fb2, &g2);
    bls_g1_to_compressed(s.enc1, &s.a1[0]);
    bls_g2_to_compressed(s.enc2, &s.a2[0]);
    bls_pairing(&s.e, &s.a1[0], &s.a2[0]);
    bls_gt_fixed_base_init(s.fbt, &s.e);
    bls_miller_loop(&s.f, &s.a1[0], &s.a2[0]);

    bench(filter, "fp_mul", op_fp_mul, &s);
    bench(filter, "fp_inv (constant time)", op_fp_inv, &s);
    bench(filter, "g1_mul (constant time)", op_g1_mul, &s);
    bench(filter, "g1_mul_vartime", op_g1_mul_vt, &s);
    bench(filter, "g1_fixed_base_mul (constant time)", op_g1_fixed, &s);
    bench(filter, "g1_fixed_base_mul_vartime", op_g1_fixed_vt, &s);
    bench(filter, "g2_mul (constant time)", op_g2_mul, &s);
    bench(filter, "g2_mul_vartime", op_g2_mul_vt, &s);
    bench(filter, "g2_fixed_base_mul (constant time)", op_g2_fixed, &s);
    bench(filter, "g2_fixed_base_mul_vartime", op_g2_fixed_vt, &s);
    bench(filter, "g1_msm_vartime (64 points)", op_g1_msm, &s);
    bench(filter, "g2_msm_vartime (64 points)", op_g2_msm, &s);
    bench(filter, "g1_hash_to_curve", op_h2g1, &s);
    bench(filter, "g2_hash_to_curve", op_h2g2, &s);
    bench(filter, "g1_from_bytes (decompress+subgroup)", op_g1_decode, &s);
    bench(filter, "g2_from_bytes (decompress+subgroup)", op_g2_decode, &s);
    bench(filter, "miller_loop", op_miller, &s);
    bench(filter, "final_exp", op_final_exp, &s);
    bench(filter, "pairing", op_pairing, &s);
    bench(filter, "pairing (prepared G2)", op_pairing_prep, &s);
    bench(filter, "multi_pairing (6 pairs)", op_multi6, &s);
    bench(filter, "multi_pairing (10 pairs)", op_multi10, &s);
    bench(filter, "multi_pairing (3 pairs, prepared G2)", op_multi3_prep, &s);
    bench(filter, "gt_pow (constant time)", op_gt_pow, &s);
    bench(filter, "gt_pow_vartime", op_gt_pow_vt, &s);
    bench(filter, "gt_fixed_base_pow (constant time)", op_gt_fixed, &s);
    bench(filter, "gt_from_bytes (with subgroup check)", op_gt_decode, &s);

    run_rounds(&s);
    printf("%-38s %14s %12s\n", "operation", "time", "iterations");
    for (i = 0; i < n_rows; i++) {
        double ns = rows[i].ns;
        if (ns >= 1e5)
            printf("%-38s %11.3f ms %12llu\n", rows[i].name, ns / 1e6, rows[i].n * REPS);
        else if (ns >= 1e3)
            printf("%-38s %11.2f us %12llu\n", rows[i].name, ns / 1e3, rows[i].n * REPS);
        else
            printf("%-38s %11.1f ns %12llu\n", rows[i].name, ns, rows[i].n * REPS);
    }
    printf("\nop,ns_per_op,iterations\n");
    for (i = 0; i < n_rows; i++)
        printf("\"%s\",%.1f,%llu\n", rows[i].name, rows[i].ns, rows[i].n * REPS);
    if (s.sink == 42)
        printf("# sink\n"); /* keeps the outputs observable */
    free(s.fb1);
    free(s.fb2);
    free(s.fbt);
    free(s.prep);
    return 0;
}
