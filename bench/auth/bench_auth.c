/* bench-auth: cost of one CP-ABE authorization round (FABEO CCA KEM):
 * Encaps (server side) and Decaps with the re-encryption check (user side)
 * for `a1 and ... and aN` / `a1 or ... or aN` over N random 10-character
 * attributes (the key holds all N), and for `grade >= 3 and expiry >=
 * 2026-11-25` against the key HCU Netsci M1 'grade = 4' 'expiry =
 * 2027-03-31', each with a prepared policy (compiled, hashed, fixed-base
 * tables; Decaps given it as hint) and without (everything from text /
 * from the ciphertext each time); plus KeyGen for that key.
 * Times are medians over the iterations (robust against other load on a
 * shared machine); the table also shows the fastest round.  Prints the
 * table, then CSV:
 * policy,n_attrs,encaps_ms,decaps_ms,total_ms.
 *
 * bench-auth --paper ITERS [--max-attrs N] is the paper's Fig. 6 instead:
 * for every n in 1..N (default 16), AND and OR over n fresh random
 * 10-character attributes, prepared policies as roamd holds them, exactly
 * ITERS rounds each; prints the mean (the paper's statistic), median,
 * min and max of a whole round as CSV:
 * policy,n_attrs,iters,encaps_mean_ms,decaps_mean_ms,mean_ms,median_ms,min_ms,max_ms */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "abe.h"
#include "bench_time.h"

#define MAX_ROWS 32
#define MIN_SECONDS 0.4
#define MIN_ITERS 5
#define MAX_ITERS 4096
#define PAPER_MAX_ATTRS 16

typedef struct {
    char name[48];
    unsigned n;
    double enc, dec, best;   /* medians; best = fastest whole round */
} row_t;

static row_t rows[MAX_ROWS];
static size_t n_rows;
static double keygen_ms, keygen_best;
static size_t keygen_attrs;


static void *xalloc(size_t n)
{
    void *p = calloc(1, n);
    if (p == NULL)
        bench_die("out of memory");
    return p;
}

/* Median Encaps and Decaps times for one policy and key. */
static void measure(const char *name, unsigned n, const char *policy, const abe_mpk_t *mpk,
                    const abe_key_t *key, int prepared)
{
    static uint8_t ct[ABE_KEM_CT_MAX_BYTES];
    uint8_t k1[ABE_KEM_KEY_BYTES], k2[ABE_KEM_KEY_BYTES];
    abe_error_t err;
    abe_prepared_t *pp = xalloc(sizeof *pp);
    if (prepared &&
        abe_prepare_text(pp, policy, strlen(policy), 1, &err) != ABE_OK)
        bench_die(err.msg);
    static double enc[MAX_ITERS], dec[MAX_ITERS];
    double start = bench_now_ms();
    unsigned iters = 0;
    while (iters < MAX_ITERS && (iters < MIN_ITERS || bench_now_ms() - start < MIN_SECONDS * 1e3)) {
        size_t len;
        double t0 = bench_now_ms();
        if (!prepared &&
            abe_prepare_text(pp, policy, strlen(policy), 0, &err) != ABE_OK)
            bench_die(err.msg);
        if (abe_kem_encaps(mpk, pp, ct, sizeof ct, &len, k1) != ABE_OK)
            bench_die("encaps failed");
        if (!prepared)
            abe_prepared_clear(pp);
        double t1 = bench_now_ms();
        if (abe_kem_decaps(mpk, key, ct, len, prepared ? pp : NULL, k2) != ABE_OK ||
            memcmp(k1, k2, sizeof k1) != 0)
            bench_die("decaps failed");
        double t2 = bench_now_ms();
        enc[iters] = t1 - t0;
        dec[iters] = t2 - t1;
        iters++;
    }
    if (prepared)
        abe_prepared_clear(pp);
    free(pp);
    if (n_rows == MAX_ROWS)
        bench_die("too many rows");
    row_t *r = &rows[n_rows++];
    snprintf(r->name, sizeof r->name, "%s/%s", name, prepared ? "prepared" : "unprepared");
    r->n = n;
    r->best = 1e300;
    for (unsigned i = 0; i < iters; i++)
        if (enc[i] + dec[i] < r->best)
            r->best = enc[i] + dec[i];
    r->enc = bench_median(enc, iters);
    r->dec = bench_median(dec, iters);
}

static void random_attr(char out[11])
{
    uint8_t b[10];
    if (RAND_bytes(b, sizeof b) != 1)
        bench_die("RAND_bytes failed");
    out[0] = (char)('a' + b[0] % 26);   /* names start with a letter */
    for (int i = 1; i < 10; i++)
        out[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b[i] % 62];
    out[10] = '\0';
}

/* N random attributes, the AND and the OR of them, and a key holding all N
 * (Fig. 6's policies: every attribute is needed, or any one is enough). */
struct flat_set {
    char names[PAPER_MAX_ATTRS][11];
    char and_p[PAPER_MAX_ATTRS * 16], or_p[PAPER_MAX_ATTRS * 16];
    abe_key_t *key;
};

static void flat_set_make(struct flat_set *f, unsigned n, const abe_mpk_t *mpk,
                          const abe_msk_t *msk)
{
    const char *texts[PAPER_MAX_ATTRS];
    f->and_p[0] = f->or_p[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        random_attr(f->names[i]);
        texts[i] = f->names[i];
        strcat(f->and_p, i ? " and " : "");
        strcat(f->and_p, f->names[i]);
        strcat(f->or_p, i ? " or " : "");
        strcat(f->or_p, f->names[i]);
    }
    f->key = xalloc(sizeof *f->key);
    abe_error_t err;
    if (abe_key_set_attrs(f->key, texts, n, &err) != ABE_OK || abe_keygen(f->key, mpk, msk) != ABE_OK)
        bench_die("keygen failed");
}

static void flat_set_free(struct flat_set *f)
{
    abe_key_clear(f->key);
    free(f->key);
    f->key = NULL;
}

static void flat_policies(const abe_mpk_t *mpk, const abe_msk_t *msk, unsigned n)
{
    static struct flat_set f;
    flat_set_make(&f, n, mpk, msk);
    char label[32];
    for (int prep = 1; prep >= 0; prep--) {
        snprintf(label, sizeof label, "and-%u", n);
        measure(label, n, f.and_p, mpk, f.key, prep);
        snprintf(label, sizeof label, "or-%u", n);
        measure(label, n, f.or_p, mpk, f.key, prep);
    }
    flat_set_free(&f);
}

static void numeric_policy(const abe_mpk_t *mpk, const abe_msk_t *msk)
{
    static const char *const texts[] = {"HCU", "Netsci", "M1", "grade = 4",
                                        "expiry = 2027-03-31"};
    abe_key_t *key = xalloc(sizeof *key);
    abe_error_t err;
    static double kg[MAX_ITERS];
    double start = bench_now_ms();
    unsigned iters = 0;
    while (iters < MAX_ITERS && (iters < MIN_ITERS || bench_now_ms() - start < MIN_SECONDS * 1e3)) {
        double t0 = bench_now_ms();
        if (abe_key_set_attrs(key, texts, 5, &err) != ABE_OK ||
            abe_keygen(key, mpk, msk) != ABE_OK)
            bench_die("keygen failed");
        kg[iters++] = bench_now_ms() - t0;
    }
    keygen_ms = bench_median(kg, iters);
    keygen_best = kg[0];   /* sorted by bench_median() */
    keygen_attrs = abe_attr_set_count(&key->attrs);
    const char *pol = "grade >= 3 and expiry >= 2026-11-25";
    measure("numeric", 2, pol, mpk, key, 1);
    measure("numeric", 2, pol, mpk, key, 0);
    abe_key_clear(key);
    free(key);
}

/* The paper's Fig. 6: ITERS rounds of one policy, fixed count, all kept. */
static void paper_row(const char *kind, unsigned n, const char *policy, const abe_mpk_t *mpk,
                      const abe_key_t *key, unsigned iters)
{
    static uint8_t ct[ABE_KEM_CT_MAX_BYTES];
    static double tot[MAX_ITERS];
    uint8_t k1[ABE_KEM_KEY_BYTES], k2[ABE_KEM_KEY_BYTES];
    abe_error_t err;
    abe_prepared_t *pp = xalloc(sizeof *pp);
    if (abe_prepare_text(pp, policy, strlen(policy), 1, &err) != ABE_OK)
        bench_die(err.msg);
    double enc_sum = 0, dec_sum = 0;
    for (unsigned i = 0; i < iters; i++) {
        size_t len;
        double t0 = bench_now_ms();
        if (abe_kem_encaps(mpk, pp, ct, sizeof ct, &len, k1) != ABE_OK)
            bench_die("encaps failed");
        double t1 = bench_now_ms();
        if (abe_kem_decaps(mpk, key, ct, len, pp, k2) != ABE_OK || memcmp(k1, k2, sizeof k1) != 0)
            bench_die("decaps failed");
        double t2 = bench_now_ms();
        enc_sum += t1 - t0;
        dec_sum += t2 - t1;
        tot[i] = t2 - t0;
    }
    abe_prepared_clear(pp);
    free(pp);
    double mean = (enc_sum + dec_sum) / iters, med = bench_median(tot, iters);
    printf("%s-%u,%u,%u,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n", kind, n, n, iters, enc_sum / iters,
           dec_sum / iters, mean, med, tot[0], tot[iters - 1]);   /* sorted by bench_median() */
    fflush(stdout);
}

static int paper_main(unsigned iters, unsigned max_attrs)
{
    abe_mpk_t *mpk = xalloc(sizeof *mpk);
    abe_msk_t msk;
    if (abe_params() == NULL)
        bench_die("parameters");
    if (abe_setup(mpk, &msk) != ABE_OK)
        bench_die("setup failed");
    printf("policy,n_attrs,iters,encaps_mean_ms,decaps_mean_ms,mean_ms,median_ms,min_ms,max_ms\n");
    static struct flat_set f;
    for (unsigned n = 1; n <= max_attrs; n++) {
        flat_set_make(&f, n, mpk, &msk);
        paper_row("and", n, f.and_p, mpk, f.key, iters);
        paper_row("or", n, f.or_p, mpk, f.key, iters);
        flat_set_free(&f);
    }
    abe_msk_clear(&msk);
    free(mpk);
    return 0;
}

static unsigned arg_num(const char *s, unsigned lo, unsigned hi, const char *what)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "bench-auth: %s must be a number in %u..%u, not '%s'\n", what, lo, hi, s);
        exit(2);
    }
    return (unsigned)v;
}

int main(int argc, char **argv)
{
    unsigned paper_iters = 0, max_attrs = PAPER_MAX_ATTRS;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--paper") == 0 && i + 1 < argc)
            paper_iters = arg_num(argv[++i], 1, MAX_ITERS, "--paper");
        else if (strcmp(argv[i], "--max-attrs") == 0 && i + 1 < argc)
            max_attrs = arg_num(argv[++i], 1, PAPER_MAX_ATTRS, "--max-attrs");
        else {
            fprintf(stderr, "usage: bench-auth [--paper ITERS [--max-attrs N]]\n");
            return 2;
        }
    }
    if (paper_iters)
        return paper_main(paper_iters, max_attrs);

    abe_mpk_t *mpk = xalloc(sizeof *mpk);
    abe_msk_t msk;
    double t0 = bench_now_ms();
    if (abe_params() == NULL)
        bench_die("parameters");
    double tp = bench_now_ms() - t0;
    if (abe_setup(mpk, &msk) != ABE_OK)
        bench_die("setup failed");
    static const unsigned ns[] = {1, 2, 4, 8, 16};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        flat_policies(mpk, &msk, ns[i]);
    numeric_policy(mpk, &msk);

    printf("FABEO CCA KEM on BLS12-381, median times (one-time parameter set-up: %.1f ms)\n\n", tp);
    printf("%-22s %7s %10s %10s %10s %10s\n", "policy", "n_attrs", "encaps_ms", "decaps_ms",
           "total_ms", "best_ms");
    for (size_t i = 0; i < n_rows; i++)
        printf("%-22s %7u %10.3f %10.3f %10.3f %10.3f\n", rows[i].name, rows[i].n, rows[i].enc,
               rows[i].dec, rows[i].enc + rows[i].dec, rows[i].best);
    printf("%-22s %7zu %10s %10s %10.3f %10.3f\n", "keygen (example key)", keygen_attrs, "-",
           "-", keygen_ms, keygen_best);
    printf("\nanchors (cpabe toolkit): AND-16 94 ms, numeric 241 + 28 ms, keygen 0.8 s\n\n");
    printf("policy,n_attrs,encaps_ms,decaps_ms,total_ms\n");
    for (size_t i = 0; i < n_rows; i++)
        printf("%s,%u,%.3f,%.3f,%.3f\n", rows[i].name, rows[i].n, rows[i].enc, rows[i].dec,
               rows[i].enc + rows[i].dec);
    printf("keygen,%zu,,,%.3f\n", keygen_attrs, keygen_ms);
    abe_msk_clear(&msk);
    free(mpk);
    return 0;
}
