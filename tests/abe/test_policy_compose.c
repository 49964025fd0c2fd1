/* Policies composed as trees: abe_policy_and and the expiry rule give the
 * tree that parsing "(P) and ..." gives for a well-formed P; a policy that
 * would reach out of its parentheses (`A) or (B`) is refused with the
 * column in its own text; limits hold on the whole; dates are checked; and
 * abe_key_why_not names the reason a key is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe.h"
#include "policy.h"
#include "tap.h"

static abe_policy_t *A, *B, *OUT, *REF;
static uint8_t enc1[ABE_POL_MAX_ENCODED], enc2[ABE_POL_MAX_ENCODED];

/* 1 if the two trees have the same canonical encoding. */
static int same_tree(const abe_policy_t *x, const abe_policy_t *y)
{
    size_t l1, l2;
    return abe_policy_encode(x, enc1, sizeof enc1, &l1) == ABE_OK &&
           abe_policy_encode(y, enc2, sizeof enc2, &l2) == ABE_OK && l1 == l2 &&
           memcmp(enc1, enc2, l1) == 0;
}

static int parse(abe_policy_t *p, const char *text)
{
    abe_error_t err;
    return abe_policy_parse(p, text, strlen(text), &err);
}

static void and_equals_text(const char *a, const char *b)
{
    char both[ABE_POL_MAX_TEXT];
    abe_error_t err;
    snprintf(both, sizeof both, "(%s) and (%s)", a, b);
    int ok = parse(A, a) == ABE_OK && parse(B, b) == ABE_OK &&
             abe_policy_and(OUT, A, B, &err) == ABE_OK && parse(REF, both) == ABE_OK;
    tap_ok(ok && same_tree(OUT, REF), "AND of '%s' and '%s' is the tree of '%s'", a, b, both);
}

static void expiry_equals_text(const char *p, const char *date)
{
    char full[ABE_POL_MAX_TEXT];
    abe_error_t err;
    snprintf(full, sizeof full, "(%s) and expiry >= %s", p, date);
    int ok = abe_policy_parse_with_expiry(OUT, p, strlen(p), date, &err) == ABE_OK &&
             parse(REF, full) == ABE_OK;
    tap_ok(ok && same_tree(OUT, REF), "'%s' with the expiry clause is the tree of '%s'", p, full);
}

static void refused(const char *p, const char *date, int code, size_t offset, const char *why)
{
    abe_error_t err;
    int rc = abe_policy_parse_with_expiry(OUT, p, strlen(p), date, &err);
    tap_ok(rc == code && err.offset == offset, "'%s' at %s refused (%s): %d at %zu, %s", p,
           date, why, rc, err.offset, err.msg);
}

static abe_key_t *key_of(const char *const *attrs, size_t n)
{
    abe_key_t *k = calloc(1, sizeof *k);
    abe_error_t err;
    if (k == NULL || abe_key_set_attrs(k, attrs, n, &err) != ABE_OK)
        exit(2);
    return k;
}

static void why(const abe_key_t *k, const char *policy, int want, const char *detail)
{
    char got[256] = "";
    abe_error_t err;
    int rc = parse(A, policy) == ABE_OK
                 ? abe_policy_parse_with_expiry(OUT, policy, strlen(policy), "2026-12-05", &err)
                 : -100;
    if (rc == ABE_OK)
        rc = abe_key_why_not(k, OUT, "2026-12-05", got, sizeof got);
    tap_ok(rc == want && strcmp(got, detail) == 0, "why not '%s': %d '%s' (want %d '%s')",
           policy, rc, got, want, detail);
}

int main(void)
{
    A = malloc(sizeof *A);
    B = malloc(sizeof *B);
    OUT = malloc(sizeof *OUT);
    REF = malloc(sizeof *REF);
    if (!A || !B || !OUT || !REF)
        return 2;
    abe_error_t err;

    and_equals_text("A", "B");
    and_equals_text("A and B", "C and D");
    and_equals_text("A or B", "C or D");
    and_equals_text("2 of (A, B, C)", "grade >= 3");
    and_equals_text("A and (B or 2 of (C, D, E))", "A");
    and_equals_text("\"x y\" or grade < 7#8", "expiry >= 2026-11-25 or HCU");

    expiry_equals_text("HCU and M1", "2026-12-05");
    expiry_equals_text("B4 or M1", "2026-12-05");
    expiry_equals_text("2 of (HCU, B4, grade >= 4)", "2030-01-31");
    expiry_equals_text("customer", "2000-01-01");
    expiry_equals_text("expiry >= 2020-01-01 or A", "2026-12-05");

    /* The stored policy that used to escape the clause by pasting texts. */
    refused("B4) or (M1", "2026-12-05", ABE_ERR_SYNTAX, 2, "breakout: unbalanced");
    refused("A) or (B and C", "2026-12-05", ABE_ERR_SYNTAX, 1, "breakout: unbalanced");
    refused("(A", "2026-12-05", ABE_ERR_SYNTAX, 2, "never closed");
    refused("A", "2026-02-30", ABE_ERR_RANGE, ABE_NO_POS, "not a calendar date");
    refused("A", "x) or (A", ABE_ERR_SYNTAX, ABE_NO_POS, "not a date");
    refused("A", "2026-1-01", ABE_ERR_SYNTAX, ABE_NO_POS, "not YYYY-MM-DD");
    refused("A", "", ABE_ERR_SYNTAX, ABE_NO_POS, "empty date");

    /* Semantics: an expired key with A does not satisfy A or B any more. */
    const char *exp_a[] = {"A", "expiry = 2020-01-01"}, *ok_a[] = {"A", "expiry = 2027-03-31"},
               *undated[] = {"A", "grade = 4"}, *g3[] = {"A", "grade = 3", "expiry = 2027-01-01"},
               *g4[] = {"grade = 4", "expiry = 2026-12-05"};
    abe_key_t *k_exp = key_of(exp_a, 2), *k_ok = key_of(ok_a, 2), *k_undated = key_of(undated, 2),
              *k_g3 = key_of(g3, 3), *k_g4 = key_of(g4, 2);
    tap_ok(abe_policy_parse_with_expiry(OUT, "A or B", 6, "2026-12-05", &err) == ABE_OK &&
               !abe_policy_satisfied(OUT, &k_exp->attrs) && abe_policy_satisfied(OUT, &k_ok->attrs),
           "A or B with the clause: the expired key with A fails, the valid one passes");

    /* Limits hold on the composed tree. */
    char big[ABE_POL_MAX_TEXT];
    size_t used = 0;
    for (int i = 0; i < ABE_POL_MAX_LEAVES; i++)
        used += (size_t)snprintf(big + used, sizeof big - used, "%sa%d", i ? "|" : "", i);
    tap_eq(parse(A, big), ABE_OK, "%d leaves parse alone", ABE_POL_MAX_LEAVES);
    tap_eq(abe_policy_and_expiry(OUT, A, "2026-12-05", &err), ABE_ERR_LIMIT,
           "… but not with the expiry clause (%s)", err.msg);
    tap_eq(OUT->n_nodes, 0, "… and the result is left empty");
    used = 0;
    for (int i = 0; i < ABE_POL_MAX_LEAVES - 20; i++)
        used += (size_t)snprintf(big + used, sizeof big - used, "%sa%d", i ? "|" : "", i);
    tap_ok(parse(A, big) == ABE_OK && abe_policy_and_expiry(OUT, A, "2026-12-05", &err) == ABE_OK,
           "%d leaves fit with the clause", ABE_POL_MAX_LEAVES - 20);
    tap_eq(abe_policy_and(A, A, B, &err), ABE_ERR_ARGUMENT, "out may not be an operand");

    /* The prepared policy is the composed tree. */
    abe_prepared_t *pp = malloc(sizeof *pp);
    tap_ok(pp && abe_prepare_with_expiry(pp, "HCU and M1", 10, "2026-12-05", 0, &err) == ABE_OK &&
               parse(REF, "(HCU and M1) and expiry >= 2026-12-05") == ABE_OK &&
               same_tree(&pp->pol, REF),
           "abe_prepare_with_expiry prepares the composed tree");
    if (pp)
        abe_prepared_clear(pp);
    tap_eq(abe_prepare_with_expiry(pp, "B4) or (M1", 10, "2026-12-05", 0, &err), ABE_ERR_POLICY,
           "… and refuses the breakout (%s)", err.msg);
    free(pp);

    /* Why a key is refused. */
    why(k_exp, "A", ABE_WHY_EXPIRED, "2020-01-01");
    why(k_undated, "A", ABE_WHY_UNDATED, "");
    why(k_ok, "A and B", ABE_WHY_LACKS, "B");
    why(k_ok, "A", ABE_WHY_OK, "");
    why(k_g3, "grade >= 4", ABE_WHY_LACKS,
        "grade (the key's value does not satisfy the comparison)");
    why(k_g4, "grade >= 4", ABE_WHY_OK, "");
    why(k_ok, "grade >= 4 and (B or C)", ABE_WHY_LACKS, "grade (the key has no value), B, C");
    why(k_ok, "2 of (A, B, C)", ABE_WHY_LACKS, "B, C");
    char detail[64];
    tap_ok(abe_key_why_not(k_ok, NULL, "bad", detail, sizeof detail) < 0, "a bad date is an error");
    tap_ok(abe_key_expiry(k_ok, detail, sizeof detail) == 1 && strcmp(detail, "2027-03-31") == 0 &&
               abe_key_expiry(k_undated, detail, sizeof detail) == 0,
           "abe_key_expiry: the value as issued, or none");

    free(k_exp);
    free(k_ok);
    free(k_undated);
    free(k_g3);
    free(k_g4);
    free(A);
    free(B);
    free(OUT);
    free(REF);
    return tap_done();
}
