/* LSSS: the example matrices of docs/spec/fabeo.md §6.1, occurrence indices and tau,
 * shares, and for random policies with AND, OR and thresholds, over every
 * subset of the attribute universe: coefficients exist iff the subset
 * satisfies the formula (evaluated here independently), sum gamma_i M_i =
 * e1 in Z_r, and e1 is in the span of the held rows iff satisfied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe_check.h"
#include "tap.h"

static abe_policy_t *P;
static abe_lsss_t *L;
static abe_attr_set_t *S;

static void set_of(const char *list)
{
    abe_attr_set_init(S);
    if (list[0] != '\0' && abe_attr_set_add_list(S, list, strlen(list), '|', NULL) != ABE_OK)
        abort();
}

/* Row i of M equals the small integers want (cols entries). */
static int row_is(unsigned i, const long *want, unsigned cols)
{
    bls_fr_t row[64], w;
    if (L->cols != cols || abe_lsss_row(L, i, row) != ABE_OK)
        return 0;
    for (unsigned c = 0; c < cols; c++) {
        bls_fr_from_u64(&w, (uint64_t)(want[c] < 0 ? -want[c] : want[c]));
        if (want[c] < 0)
            bls_fr_neg(&w, &w);
        if (!bls_fr_equal(&row[c], &w))
            return 0;
    }
    return 1;
}

static int compile(const char *text)
{
    abe_error_t err;
    if (abe_policy_parse(P, text, strlen(text), &err) != ABE_OK || abe_lsss_compile(L, P, &err) != ABE_OK) {
        tap_diag("%s: %s", text, err.msg);
        return 0;
    }
    return 1;
}

static int rho_is(unsigned i, const char *name)
{
    size_t len;
    const uint8_t *s = abe_lsss_rho(L, i, &len);
    return s != NULL && len == strlen(name) && memcmp(s, name, len) == 0;
}

static void examples(void)
{
    /* docs/spec/fabeo.md §6.1: a AND (d OR (b AND c)). */
    static const long a[] = {1, 1, 0}, d[] = {0, -1, 0}, b[] = {0, -1, 1}, c[] = {0, 0, -1};
    int ok = compile("a and (d or (b and c))") && L->rows == 4 && rho_is(0, "a") &&
             rho_is(1, "d") && rho_is(2, "b") && rho_is(3, "c") && row_is(0, a, 3) &&
             row_is(1, d, 3) && row_is(2, b, 3) && row_is(3, c, 3);
    tap_ok(ok, "a and (d or (b and c)): Lewko-Waters rows of docs/spec/fabeo.md 6.1");

    /* docs/spec/fabeo.md §6.1: 2 of (a, b, c). */
    static const long t1[] = {1, 1}, t2[] = {1, 2}, t3[] = {1, 3};
    ok = compile("2 of (a, b, c)") && row_is(0, t1, 2) && row_is(1, t2, 2) && row_is(2, t3, 2);
    tap_ok(ok, "2 of (a, b, c): Vandermonde rows (1,1) (1,2) (1,3)");

    /* 3 of 4: rows (1, j, j^2). */
    static const long u4[] = {1, 4, 16};
    ok = compile("3 of (a, b, c, d)") && L->cols == 3 && row_is(3, u4, 3);
    tap_ok(ok, "3 of (a, b, c, d): row 4 is (1, 4, 16)");

    /* n-ary AND chain: v|1, 0|-1|1, 0|0|-1. */
    static const long n1[] = {1, 1, 0}, n2[] = {0, -1, 1}, n3[] = {0, 0, -1};
    ok = compile("a and b and c") && row_is(0, n1, 3) && row_is(1, n2, 3) && row_is(2, n3, 3);
    tap_ok(ok, "a and b and c: chain rows");

    /* OR copies the label. */
    static const long o[] = {1};
    ok = compile("a or b or c") && L->cols == 1 && row_is(0, o, 1) && row_is(2, o, 1);
    tap_ok(ok, "a or b or c: every row is (1)");

    /* Occurrence indices: (x or y) and (x or z) -> occ 1, 1, 2, 1, tau 2. */
    ok = compile("(x or y) and (x or z)") && L->tau == 2 && abe_lsss_occ(L, 0) == 1 &&
         abe_lsss_occ(L, 1) == 1 && abe_lsss_occ(L, 2) == 2 && abe_lsss_occ(L, 3) == 1;
    tap_ok(ok, "(x or y) and (x or z): occ = 1,1,2,1, tau = 2");
    ok = compile("A and B") && L->tau == 1;
    tap_ok(ok, "A and B: tau = 1");
    ok = compile("x > 4 or (x > 6 and y)") && L->tau == 2;
    tap_ok(ok, "x > 4 or (x > 6 and y): shared bit attributes give tau = 2");

    /* The FAME reuse pattern is still decided correctly. */
    ok = compile("(x or y) and (x or z)");
    set_of("y");
    tap_ok(ok && chk_coefficients(L, S) == 0 && !chk_span_has_e1(L, S), "{y} does not satisfy");
    set_of("x");
    tap_ok(ok && chk_coefficients(L, S) == 1, "{x} satisfies, coefficients verify");
    ok = compile("2 of (A, A, B)");
    set_of("A");
    tap_ok(ok && chk_coefficients(L, S) == 1, "2 of (A, A, B) with {A}: toolkit says yes, so do we");
}

/* Shares: lambda_i = M_i . v, and sum gamma_i lambda_i = v_1 = s. */
static void shares(void)
{
    int ok = compile("2 of (a, b and c, 3 of (d, e, f, g)) and (h or a)");
    bls_fr_t v[64], row[64], lambda[64], gamma[64], t, sum = BLS_FR_ZERO;
    for (unsigned c = 0; c < L->cols && ok; c++)
        ok = bls_fr_random(&v[c]) == 0;
    for (unsigned i = 0; i < L->rows && ok; i++) {
        bls_fr_t direct = BLS_FR_ZERO;
        abe_lsss_row(L, i, row);
        for (unsigned c = 0; c < L->cols; c++) {
            bls_fr_mul(&t, &row[c], &v[c]);
            bls_fr_add(&direct, &direct, &t);
        }
        ok = abe_lsss_share(L, i, v, &lambda[i]) == ABE_OK && bls_fr_equal(&direct, &lambda[i]);
    }
    tap_ok(ok, "abe_lsss_share equals M_i . v for every row");
    set_of("b|c|e|f|g|h");
    ok = ok && abe_lsss_coefficients(L, S, gamma) == ABE_OK;
    for (unsigned i = 0; i < L->rows && ok; i++) {
        bls_fr_mul(&t, &gamma[i], &lambda[i]);
        bls_fr_add(&sum, &sum, &t);
    }
    tap_ok(ok && bls_fr_equal(&sum, &v[0]), "sum gamma_i lambda_i recovers the secret");
}

/* ---- random formulas, evaluated independently ---- */

#define UNIVERSE 6
#define MAXN 64

typedef struct {
    int leaf;        /* attribute index for leaves, -1 for gates */
    int k, n;
    int kid[6];
} fnode;

static fnode F[MAXN];
static int nf;
static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static int gen(int depth)
{
    int id = nf++;
    if (depth == 0 || nf > MAXN - 8 || rnd(3) == 0) {
        F[id].leaf = (int)rnd(UNIVERSE);
        return id;
    }
    F[id].leaf = -1;
    F[id].n = 2 + (int)rnd(3);
    F[id].k = 1 + (int)rnd((unsigned)F[id].n);
    for (int i = 0; i < F[id].n; i++)
        F[id].kid[i] = gen(depth - 1);
    return id;
}

static int eval(int id, unsigned mask)
{
    if (F[id].leaf >= 0)
        return (int)((mask >> F[id].leaf) & 1u);
    int count = 0;
    for (int i = 0; i < F[id].n; i++)
        count += eval(F[id].kid[i], mask);
    return count >= F[id].k;
}

/* Prints the formula in one of the equivalent spellings. */
static void show(int id, char *out, size_t *n)
{
    if (F[id].leaf >= 0) {
        *n += (size_t)sprintf(out + *n, "%c", 'a' + F[id].leaf);
        return;
    }
    const fnode *f = &F[id];
    int style = (int)rnd(2);
    const char *sep = ", ";
    if (f->k == f->n && style)
        sep = rnd(2) ? " and " : " & ";
    else if (f->k == 1 && style)
        sep = rnd(2) ? " or " : " OR ";
    else
        *n += (size_t)sprintf(out + *n, "%d of ", f->k);
    *n += (size_t)sprintf(out + *n, "(");
    for (int i = 0; i < f->n; i++) {
        if (i)
            *n += (size_t)sprintf(out + *n, "%s", sep);
        show(f->kid[i], out, n);
    }
    *n += (size_t)sprintf(out + *n, ")");
}

static void random_formulas(void)
{
    unsigned formulas = 0, bad_sat = 0, bad_coef = 0, bad_span = 0, thresholds = 0;
    char text[4096];
    for (int iter = 0; iter < 300; iter++) {
        nf = 0;
        int root = gen(3);
        size_t n = 0;
        show(root, text, &n);
        if (!compile(text)) {
            bad_sat++;
            continue;
        }
        formulas++;
        for (unsigned i = 0; i < P->n_nodes; i++)
            thresholds += P->node[i].kind == PN_THR;
        for (unsigned mask = 0; mask < (1u << UNIVERSE); mask++) {
            char list[64] = "";
            size_t ln = 0;
            for (int a = 0; a < UNIVERSE; a++)
                if (mask >> a & 1u)
                    ln += (size_t)sprintf(list + ln, "%s%c", ln ? "|" : "", 'a' + a);
            set_of(list);
            int want = eval(root, mask);
            bad_sat += abe_policy_satisfied(P, S) != want;
            bad_coef += chk_coefficients(L, S) != want;
            bad_span += chk_span_has_e1(L, S) != want;
        }
    }
    tap_diag("%u random formulas, %u threshold gates, %u subsets each", formulas, thresholds,
             1u << UNIVERSE);
    tap_ok(formulas == 300 && thresholds > 100, "random formulas compile");
    tap_eq(bad_sat, 0, "abe_policy_satisfied agrees with the formula on every subset");
    tap_eq(bad_coef, 0, "coefficients exist iff satisfied; sum gamma_i M_i = e1; zero off the key");
    tap_eq(bad_span, 0, "e1 in the span of the held rows iff satisfied (rank check)");
}

int main(void)
{
    P = chk_policy_new();
    L = chk_lsss_new();
    S = chk_set_new();
    examples();
    shares();
    random_formulas();
    free(P);
    free(L);
    free(S);
    return tap_done();
}
