/* FABEO itself (no KEM): Decrypt recovers a random GT message for keys that
 * satisfy AND/OR/threshold (non-unit coefficients) and repeated-attribute
 * policies (tau > 1, some P_t unused), refuses keys that do not satisfy,
 * Encrypt is deterministic in its coins, and the prepared tables do not
 * change the ciphertext. */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bls12381.h"
#include "par.h"
#include "tap.h"
#include "test_kem_util.h"

static abe_mpk_t *mpk;
static abe_msk_t msk;

static void random_coins(bls_fr_t *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (bls_fr_random(&c[i]) != 0)
            abort();
}

/* abe_decrypt_with: every side item runs once and the result is
 * abe_decrypt's; a failing side item gives ABE_ERR_REJECTED. */
enum { SIDE_N = 9 };

/* Loop bodies for the item-list tests below: count each item's visits;
 * fail (7) on the item *ctx names. */
static int mark_items(void *ctx, size_t from, size_t to)
{
    unsigned *hits = ctx;
    for (size_t k = from; k < to; k++)
        hits[k]++;
    return 0;
}

static int fail_item(void *ctx, size_t from, size_t to)
{
    const size_t *at = ctx;
    return from <= *at && *at < to ? 7 : 0;
}

static void side_check(const abe_key_t *key, const abe_prepared_t *pp, const abe_ct_t *c,
                       int expected)
{
    unsigned hits[SIDE_N] = {0};
    static const size_t three = 3;
    abe_side_t count = {mark_items, hits, SIDE_N},
                 fail = {fail_item, (void *)&three, SIDE_N};
    bls_gt_t plain, with;
    int rc = abe_decrypt(&plain, key, pp, c);
    int ok = abe_decrypt_with(&with, key, pp, c, &count) == rc;
    if (rc == ABE_OK) {
        ok &= bls_gt_equal(&plain, &with) == 1;
        for (size_t k = 0; k < SIDE_N; k++)
            ok &= hits[k] == 1;
        ok &= abe_decrypt_with(&with, key, pp, c, &fail) == ABE_ERR_REJECTED;
    }
    tap_ok(ok && (rc == ABE_OK) == expected, "decrypt with side items: same result%s",
           rc == ABE_OK ? ", each item once, a failure rejects" : "");
}

static void check(const char *policy, const char *attrs, int expected)
{
    abe_error_t err;
    abe_prepared_t *pt = tk_policy(policy, 1, &err), *pn = tk_policy(policy, 0, &err);
    abe_key_t *key = tk_key(mpk, &msk, attrs, &err);
    abe_ct_t *c1 = tk_alloc(sizeof *c1), *c2 = tk_alloc(sizeof *c2);
    if (!tap_ok(pt != NULL && pn != NULL && key != NULL, "set up %s / %s", policy, attrs))
        goto out;
    bls_fr_t coins[ABE_KEM_MAX_COINS], x;
    random_coins(coins, (size_t)pt->n2 + pt->tau);
    random_coins(&x, 1);
    bls_gt_t m, got;
    bls_gt_pow(&m, &abe_params()->e, &x);
    int rc1 = abe_encrypt(c1, mpk, pt, &m, coins, coins + pt->n2);
    int rc2 = abe_encrypt(c2, mpk, pn, &m, coins, coins + pn->n2);
    static uint8_t b1[ABE_KEM_CT_MAX_BYTES], b2[ABE_KEM_CT_MAX_BYTES];
    size_t l1 = 0, l2 = 0;
    abe_kem_ct_encode(b1, sizeof b1, &l1, c1, pt);
    abe_kem_ct_encode(b2, sizeof b2, &l2, c2, pn);
    tap_ok(rc1 == ABE_OK && rc2 == ABE_OK && l1 == l2 && memcmp(b1, b2, l1) == 0,
           "%s: same coins give the same ciphertext with and without tables", policy);
    side_check(key, pt, c1, expected);
    int rc = abe_decrypt(&got, key, pt, c1);
    if (expected)
        tap_ok(rc == ABE_OK && bls_gt_equal(&got, &m), "%s (tau %u): key %s decrypts", policy,
               pt->tau, attrs);
    else
        tap_eq(rc, ABE_ERR_NOT_SATISFIED, "%s: key %s refused", policy, attrs);
out:
    tk_policy_free(pt);
    tk_policy_free(pn);
    if (key != NULL)
        tk_key_free(key);
    free(c1);
    free(c2);
}

/* abe_par_for2: every item exactly once for any count, failures propagated. */

/* The resident helper is shared: loops nested in an item, loops on two
 * threads at once and loops in a forked child must all still cover every
 * item once. */
enum { SHARE_N = 24 };

static int nested_items(void *ctx, size_t from, size_t to)
{
    unsigned (*hits)[SHARE_N] = ctx;
    for (size_t k = from; k < to; k++)
        if (abe_par_for2(SHARE_N, 2, mark_items, hits[k]) != 0)
            return 1;
    return 0;
}

static int covered(unsigned (*hits)[SHARE_N], size_t rows)
{
    int ok = 1;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < SHARE_N; k++)
            ok &= hits[r][k] == 1;
    return ok;
}

static void *loop_many(void *arg)
{
    unsigned (*hits)[SHARE_N] = arg;
    for (size_t r = 0; r < 50; r++)
        if (abe_par_for2(SHARE_N, 2, mark_items, hits[r]) != 0)
            return arg;
    return NULL;
}

static void test_par_for2_sharing(void)
{
    static unsigned nested[4][SHARE_N], a[50][SHARE_N], b[50][SHARE_N], c[1][SHARE_N];
    tap_ok(abe_par_for2(4, 2, nested_items, nested) == 0 && covered(nested, 4),
           "abe_par_for2 nested in an item");
    pthread_t th;
    int ok = pthread_create(&th, NULL, loop_many, a) == 0;
    ok &= loop_many(b) == NULL;
    ok &= ok && pthread_join(th, NULL) == 0;
    tap_ok(ok && covered(a, 50) && covered(b, 50), "abe_par_for2 on two threads at once");
    pid_t pid = fork();
    if (pid == 0)
        _exit(abe_par_for2(SHARE_N, 2, mark_items, c[0]) == 0 && covered(c, 1) ? 0 : 1);
    int status = 1;
    ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
    tap_ok(ok, "abe_par_for2 in a forked child");
}

static void test_par_for2(void)
{
    enum { N = 40 };
    int ok = 1;
    for (size_t n = 0; n <= N; n++) {
        unsigned hits[N] = {0};
        ok &= abe_par_for2(n, 2, mark_items, hits) == 0;
        for (size_t k = 0; k < N; k++)
            ok &= hits[k] == (k < n);
    }
    tap_ok(ok, "abe_par_for2 covers every item once for every count");
    ok = 1;
    static const size_t five = 5;
    for (int rep = 0; rep < 20; rep++)
        ok &= abe_par_for2(12, 2, fail_item, (void *)&five) == 7 &&
              abe_par_for2(12, 100, fail_item, (void *)&five) == 7;
    tap_ok(ok, "abe_par_for2 returns a failed item's result");
    test_par_for2_sharing();
}

int main(void)
{
    test_par_for2();
    mpk = tk_alloc(sizeof *mpk);
    if (!tap_eq(abe_setup(mpk, &msk), ABE_OK, "setup"))
        return tap_done();
    bls_g1_t ha;
    bls_g1_affine_t haa;
    tap_eq(abe_hash_attr(&ha, (const uint8_t *)"FABEO-B", 7), ABE_OK, "H_A");
    bls_g1_to_affine(&haa, &ha);
    uint8_t e1[48], e2[48];
    bls_g1_to_compressed(e1, &haa);
    bls_g1_to_compressed(e2, &abe_params()->b);
    tap_ok(memcmp(e1, e2, 48) != 0, "H_A(\"FABEO-B\") differs from B (tag bytes)");
    tap_eq(abe_hash_attr(&ha, (const uint8_t *)"", 0), ABE_ERR_ARGUMENT,
           "empty attribute string refused");

    check("A and B and C", "A|B|C", 1);
    check("A or B or C", "C", 1);
    check("2 of (A, B, C)", "B|C", 1);
    check("3 of (A, B, C, D, E)", "A|C|E", 1);
    check("2 of (A, 2 of (B, C, D), E)", "C|D|E", 1);
    check("(A and B) or (A and C) or (A and D)", "A|D", 1);
    check("(A and B) or (A and C) or (A and D)", "A", 0);
    check("2 of (A and B, A and C, A and D)", "A|B|D", 1);
    check("grade >= 3 and expiry >= 2026-11-25", "HCU|grade = 4|expiry = 2027-03-31", 1);
    check("grade >= 3 and expiry >= 2026-11-25", "HCU|grade = 4|expiry = 2025-03-31", 0);
    abe_msk_clear(&msk);
    free(mpk);
    return tap_done();
}
