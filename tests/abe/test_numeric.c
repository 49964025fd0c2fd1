/* Numeric comparisons: exhaustive for declared widths 1..6 (every constant,
 * every operator, both spellings, every key value), the 64-bit edges for
 * undeclared widths, dates, always-true/false refusals, width separation,
 * and the leaf counts the magnitude markers buy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe_check.h"
#include "numeric.h"
#include "tap.h"

static const char *const OPS[] = {"=", "<", ">", "<=", ">="};

static int holds(int op, unsigned long long v, unsigned long long c)
{
    switch (op) {
    case 0: return v == c;
    case 1: return v < c;
    case 2: return v > c;
    case 3: return v <= c;
    default: return v >= c;
    }
}

/* The reversed spelling `c OP x` means `x OP' c`. */
static const char *const REV[] = {"=", ">", "<", ">=", "<="};

static abe_policy_t *P;
static abe_attr_set_t *S;
static abe_lsss_t *L;

static int key_sat(const char *key, int *coef_ok)
{
    abe_error_t err;
    abe_attr_set_init(S);
    if (abe_attr_set_add(S, key, strlen(key), &err) != ABE_OK) {
        tap_diag("key '%s': %s", key, err.msg);
        return -1;
    }
    int sat = abe_policy_satisfied(P, S);
    if (coef_ok != NULL) {
        int c = abe_lsss_compile(L, P, NULL) == ABE_OK ? chk_coefficients(L, S) : -1;
        *coef_ok = c == sat;
    }
    return sat;
}

/* x OP c#w for every c, op and spelling against every v#w, plus keys of a
 * neighbouring width and without width, which must never match. */
static void exhaustive_width(unsigned w)
{
    unsigned long long max = (1ull << w) - 1;
    unsigned bad_sat = 0, bad_coef = 0, bad_trivial = 0, bad_other = 0, cases = 0;
    unsigned worst_leaves = 0;
    char pol[128], key[64];
    for (int op = 0; op < 5; op++) {
        for (unsigned long long c = 0; c <= max; c++) {
            for (int rev = 0; rev < 2; rev++) {
                if (rev)
                    snprintf(pol, sizeof pol, "%llu#%u %s x", c, w, REV[op]);
                else
                    snprintf(pol, sizeof pol, "x %s %llu#%u", OPS[op], c, w);
                unsigned long long count = 0;
                for (unsigned long long v = 0; v <= max; v++)
                    count += (unsigned long long)holds(op, v, c);
                abe_error_t err;
                int rc = abe_policy_parse(P, pol, strlen(pol), &err);
                cases++;
                if (count == 0 || count == max + 1) {
                    const char *want = count ? "always true" : "always false";
                    bad_trivial += !(rc == ABE_ERR_TRIVIAL && strstr(err.msg, want));
                    continue;
                }
                if (rc != ABE_OK) {
                    bad_trivial++;
                    tap_diag("%s: %s", pol, err.msg);
                    continue;
                }
                if (P->n_leaves > worst_leaves)
                    worst_leaves = P->n_leaves;
                for (unsigned long long v = 0; v <= max; v++) {
                    int coef_ok;
                    snprintf(key, sizeof key, "x = %llu#%u", v, w);
                    bad_sat += key_sat(key, &coef_ok) != holds(op, v, c);
                    bad_coef += !coef_ok;
                    snprintf(key, sizeof key, "x = %llu#%u", v, w + 1);
                    bad_other += key_sat(key, NULL) != 0;
                    snprintf(key, sizeof key, "x = %llu", v);
                    bad_other += key_sat(key, NULL) != 0;
                }
            }
        }
    }
    tap_eq(bad_sat, 0, "width %u: satisfaction matches the comparison (%u policies)", w, cases);
    tap_eq(bad_coef, 0, "width %u: coefficients exist exactly when satisfied", w);
    tap_eq(bad_trivial, 0, "width %u: exactly the constant comparisons are refused", w);
    tap_eq(bad_other, 0, "width %u: keys of another width never match", w);
    tap_ok(worst_leaves <= w, "width %u: at most %u leaves (worst %u)", w, w, worst_leaves);
}

/* Undeclared width: constants and values at the 64-bit edges. */
static void edges(void)
{
    static const unsigned long long E[] = {
        0, 1, 2, 3, 4, 5, 7, 8, 255, 256, 20261124, 20261125,
        2147483647ull, 2147483648ull, 2147483649ull,
        4294967295ull, 4294967296ull, 4294967297ull,
        9223372036854775807ull, 9223372036854775808ull, 9223372036854775809ull,
        18446744073709551614ull, 18446744073709551615ull,
    };
    const size_t n = sizeof E / sizeof E[0];
    unsigned bad_sat = 0, bad_coef = 0, bad_trivial = 0, bad_leaves = 0, tau = 0;
    char pol[128], key[64];
    for (int op = 0; op < 5; op++) {
        for (size_t i = 0; i < n; i++) {
            unsigned long long c = E[i];
            snprintf(pol, sizeof pol, "x %s %llu", OPS[op], c);
            abe_error_t err;
            int rc = abe_policy_parse(P, pol, strlen(pol), &err);
            int always_true = (op == 4 && c == 0) || (op == 3 && c == UINT64_MAX);
            int always_false = (op == 1 && c == 0) || (op == 2 && c == UINT64_MAX);
            if (always_true || always_false) {
                bad_trivial += !(rc == ABE_ERR_TRIVIAL &&
                                 strstr(err.msg, always_true ? "always true" : "always false"));
                continue;
            }
            if (rc != ABE_OK) {
                bad_trivial++;
                tap_diag("%s: %s", pol, err.msg);
                continue;
            }
            /* One marker plus the bits up to the constant's length. */
            unsigned bl = c ? 64u - (unsigned)__builtin_clzll(c) : 1u;
            bad_leaves += P->n_leaves > bl + 1;
            if (abe_lsss_compile(L, P, NULL) != ABE_OK || L->tau != 1)
                tau++;
            for (size_t j = 0; j < n; j++) {
                int coef_ok;
                snprintf(key, sizeof key, "x = %llu", E[j]);
                bad_sat += key_sat(key, &coef_ok) != holds(op, E[j], c);
                bad_coef += !coef_ok;
            }
        }
    }
    tap_eq(bad_sat, 0, "64-bit edges: satisfaction matches the comparison");
    tap_eq(bad_coef, 0, "64-bit edges: coefficients exist exactly when satisfied");
    tap_eq(bad_trivial, 0, "64-bit edges: x >= 0, x < 0, x <= max, x > max refused as such");
    tap_eq(bad_leaves, 0, "64-bit edges: at most bitlen(c) + 1 leaves");
    tap_eq(tau, 0, "64-bit edges: each bit attribute occurs once (tau = 1)");
}

static void expect(const char *pol, const char *key, int want)
{
    abe_error_t err;
    int rc = abe_policy_parse(P, pol, strlen(pol), &err);
    if (rc != ABE_OK) {
        tap_ok(0, "'%s' parses: %s", pol, err.msg);
        return;
    }
    int coef_ok = 0;
    int got = key_sat(key, &coef_ok);
    tap_ok(got == want && coef_ok, "'%s' with key '%s' -> %d", pol, key, want);
}

static void dates(void)
{
    uint64_t d = 1;
    tap_ok(abe_num_date_days(1970, 1, 1, &d) == 0 && d == 0, "1970-01-01 is day 0");
    tap_ok(abe_num_date_days(2026, 11, 25, &d) == 0 && d == 20782, "2026-11-25 is day 20782");
    tap_ok(abe_num_date_days(2000, 3, 1, &d) == 0 && d == 11017, "2000-03-01 is day 11017");
    tap_ok(abe_num_date_days(9999, 12, 31, &d) == 0 && d == 2932896, "9999-12-31 is day 2932896");
    tap_eq(abe_num_date_days(2024, 2, 29, &d), 0, "2024-02-29 exists");
    tap_eq(abe_num_date_days(2000, 2, 29, &d), 0, "2000-02-29 exists");
    tap_ok(abe_num_date_days(1900, 1, 1, &d) != 0, "1900 is before 1970");
    tap_ok(abe_num_date_days(2100, 2, 29, &d) != 0, "2100-02-29 does not exist");
    tap_ok(abe_num_date_days(2026, 4, 31, &d) != 0, "2026-04-31 does not exist");
    /* Consecutive days are consecutive numbers across a whole leap cycle. */
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint64_t prev = 0, bad = 0;
    int first = 1;
    for (unsigned y = 1970; y <= 2400; y++)
        for (unsigned m = 1; m <= 12; m++) {
            unsigned dim = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
            for (unsigned day = 1; day <= dim; day++) {
                bad += abe_num_date_days(y, m, day, &d) != 0 || (!first && d != prev + 1);
                prev = d;
                first = 0;
            }
            bad += abe_num_date_days(y, m, dim + 1, &d) == 0;
        }
    tap_eq(bad, 0, "every day 1970..2400 is valid and consecutive; day 32, Feb 29/30 checked");

    expect("expiry >= 2026-11-25", "expiry = 2027-03-31", 1);
    expect("expiry >= 2026-11-25", "expiry = 2026-11-25", 1);
    expect("expiry >= 2026-11-25", "expiry = 2026-11-24", 0);
    expect("expiry < 2027-03-31", "expiry = 2027-03-31", 0);
    expect("expiry <= 2027-03-31", "expiry = 2027-03-31", 1);
    expect("expiry = 2027-03-31", "expiry = 2027-03-31", 1);
    expect("2026-01-01 < expiry", "expiry = 2026-01-02", 1);
    /* Dates and integers are different types: fail closed, never compare
     * days with a yyyymmdd number. */
    expect("expiry >= 2026-11-25", "expiry = 20271231", 0);
    expect("expiry >= 20261125", "expiry = 2027-03-31", 0);
}

static void widths(void)
{
    expect("x > 5#64", "x = 6#64", 1);
    expect("x > 5#64", "x = 6", 0);
    expect("x > 5", "x = 6#64", 0);
    expect("x <= 18446744073709551614#64", "x = 18446744073709551615#64", 0);
    expect("x >= 18446744073709551614#64", "x = 18446744073709551615#64", 1);
    expect("x = 0#64", "x = 0", 0);
    expect("x = 1#1", "x = 1#1", 1);
    expect("x < 1#1", "x = 0#1", 1);
    /* Plain names never see numeric values, and the toolkit's internal
     * names are just ordinary names here. */
    expect("x", "x = 5", 0);
    expect("x_flexint_5", "x = 5", 0);
    expect("x_expint08_5", "x = 5#8", 0);
}

static void leaf_counts(void)
{
    static const struct { const char *pol; unsigned leaves; } T[] = {
        {"grade >= 3", 3},            /* toolkit: 7 */
        {"expiry >= 20261125", 26},   /* toolkit: 33 */
        {"expiry >= 2026-11-25", 15},
        {"x > 255", 1},
        {"x < 256", 1},
        {"x = 123456789", 1},
        {"x >= 18446744073709551615", 1},
        {"x > 0", 2},
        {"x < 3", 3},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        abe_error_t err;
        int rc = abe_policy_parse(P, T[i].pol, strlen(T[i].pol), &err);
        tap_ok(rc == ABE_OK && P->n_leaves == T[i].leaves, "'%s' has %u leaves (got %u)",
               T[i].pol, T[i].leaves, rc == ABE_OK ? P->n_leaves : 0);
    }
}

int main(void)
{
    P = chk_policy_new();
    S = chk_set_new();
    L = chk_lsss_new();
    for (unsigned w = 1; w <= 6; w++)
        exhaustive_width(w);
    edges();
    dates();
    widths();
    leaf_counts();
    free(P);
    free(S);
    free(L);
    return tap_done();
}
