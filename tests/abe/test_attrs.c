/* Key attribute sets: parsing, expansion counts, the canonical sorted
 * list, refusal of the toolkit's key defects (two values of one numeric
 * attribute, out-of-range numbers), quoted names, error positions, limits,
 * and validation of raw strings coming from stored keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe_check.h"
#include "attr_string.h"
#include "tap.h"

static abe_attr_set_t *S;

static int add(const char *text, abe_error_t *err)
{
    return abe_attr_set_add(S, text, strlen(text), err);
}

static void count_after(const char *text, size_t want)
{
    abe_error_t err;
    abe_attr_set_init(S);
    int rc = add(text, &err);
    tap_ok(rc == ABE_OK && abe_attr_set_count(S) == want, "'%s' gives %zu strings (got %zu)", text,
           want, abe_attr_set_count(S));
}

static void refused(const char *first, const char *text, int code, size_t offset,
                    const char *needle)
{
    abe_error_t err;
    abe_attr_set_init(S);
    if (first != NULL && add(first, &err) != ABE_OK) {
        tap_ok(0, "'%s' accepted", first);
        return;
    }
    size_t before = abe_attr_set_count(S);
    int rc = add(text, &err);
    int ok = rc == code && err.offset == offset && strstr(err.msg, needle) != NULL &&
             abe_attr_set_count(S) == before;
    if (!tap_ok(ok, "'%s'%s%s refused: %s", text, first ? " after " : "", first ? first : "",
                abe_strerror(code)))
        tap_diag("got %d at %zu: %s", rc, err.offset, err.msg);
}

static int sorted_unique(void)
{
    for (size_t i = 1; i < abe_attr_set_count(S); i++) {
        size_t la, lb;
        const uint8_t *a = abe_attr_set_get(S, i - 1, &la), *b = abe_attr_set_get(S, i, &lb);
        int c = memcmp(a, b, la < lb ? la : lb);
        if (c > 0 || (c == 0 && la >= lb))
            return 0;
    }
    return 1;
}

int main(void)
{
    abe_error_t err;
    S = chk_set_new();

    count_after("HCU", 1);
    count_after("\"dept cs\"", 1);
    count_after("grade = 4", 128);          /* = + 64 bits + 63 markers */
    count_after("x = 5#8", 16);             /* = + 8 bits + 7 markers */
    count_after("x = 1#1", 2);
    count_after("x = 5#64", 128);
    count_after("expiry = 2027-03-31", 44); /* 22-bit dates */
    count_after("  grade=4  ", 128);

    /* The canonical list: sorted, deduplicated, independent of order. */
    abe_attr_set_init(S);
    const char *a = "M1|HCU|grade = 4|Netsci|HCU|expiry = 2027-03-31|x = 5#8";
    int rc = abe_attr_set_add_list(S, a, strlen(a), '|', &err);
    size_t n1 = abe_attr_set_count(S);
    tap_ok(rc == ABE_OK && n1 == 3 + 128 + 44 + 16 && sorted_unique(),
           "list: %zu strings, sorted and unique", n1);
    abe_attr_set_t *T = chk_set_new();
    const char *b = "x = 5#8|expiry = 2027-03-31|Netsci|grade = 4|M1|HCU";
    rc = abe_attr_set_add_list(T, b, strlen(b), '|', &err);
    int same = rc == ABE_OK && abe_attr_set_count(T) == n1;
    for (size_t i = 0; same && i < n1; i++) {
        size_t la, lb;
        const uint8_t *x = abe_attr_set_get(S, i, &la), *y = abe_attr_set_get(T, i, &lb);
        same = la == lb && memcmp(x, y, la) == 0;
    }
    tap_ok(same, "insertion order does not change the canonical list");
    free(T);

    /* The strings themselves. */
    uint8_t want[] = "\x01" "grade" "\x1f" "f:b2=1";
    abe_attr_set_init(S);
    tap_ok(add("grade = 4", &err) == ABE_OK && abe_attr_set_contains(S, want, sizeof want - 1),
           "grade = 4 holds bit 2");
    uint8_t marker[] = "\x01" "grade" "\x1f" "f:>=2^2";
    uint8_t lt[] = "\x01" "grade" "\x1f" "f:<2^3";
    tap_ok(abe_attr_set_contains(S, marker, sizeof marker - 1) && abe_attr_set_contains(S, lt, sizeof lt - 1),
           "grade = 4 holds >=2^2 and <2^3");

    /* The toolkit's key defects are refused. */
    refused("x = 4", "x = 10", ABE_ERR_CONFLICT, 0, "already has a value");
    refused("x = 4", "x = 4#8", ABE_ERR_CONFLICT, 0, "already has a value");
    refused("x = 4", "x", ABE_ERR_CONFLICT, 0, "already a numeric attribute");
    refused("x", "x = 4", ABE_ERR_CONFLICT, 0, "already a plain attribute");
    refused(NULL, "x = 99999999999999999999", ABE_ERR_RANGE, 4, "larger than");
    refused(NULL, "x = -1", ABE_ERR_RANGE, 4, "negative");
    refused(NULL, "x = 256#8", ABE_ERR_RANGE, 4, "does not fit in 8 bits");
    refused(NULL, "x = 5#0", ABE_ERR_RANGE, 6, "outside 1..64");
    refused(NULL, "x = 5#65", ABE_ERR_RANGE, 6, "outside 1..64");
    refused(NULL, "x = 2026-02-29", ABE_ERR_RANGE, 4, "not a calendar date");
    refused(NULL, "x > 5", ABE_ERR_SYNTAX, 2, "'name = value'");
    refused(NULL, "x = y", ABE_ERR_SYNTAX, 4, "expected a number");
    refused(NULL, "x = 5 6", ABE_ERR_SYNTAX, 6, "after the value");
    refused(NULL, "", ABE_ERR_SYNTAX, 0, "empty attribute");
    refused(NULL, "5", ABE_ERR_SYNTAX, 0, "starts with a name");
    refused(NULL, "and", ABE_ERR_SYNTAX, 0, "starts with a name");
    refused(NULL, "Or", ABE_ERR_SYNTAX, 0, "reserved word");
    refused(NULL, "\"a\x1f" "b\"", ABE_ERR_SYNTAX, 2, "control character");
    refused(NULL, "A B", ABE_ERR_SYNTAX, 2, "'name = value'");
    abe_attr_set_init(S);
    tap_ok(add("x = 4", &err) == ABE_OK && add("x = 4", &err) == ABE_OK && abe_attr_set_count(S) == 128,
           "the same value twice is one value");
    abe_attr_set_init(S);
    tap_ok(add("\"and\"", &err) == ABE_OK && abe_attr_set_count(S) == 1, "quoted keyword is a name");

    /* Lists: offsets refer to the whole list; quoted separators are kept. */
    abe_attr_set_init(S);
    const char *l = "A|B|x = -1";
    rc = abe_attr_set_add_list(S, l, strlen(l), '|', &err);
    tap_ok(rc == ABE_ERR_RANGE && err.offset == 8 && strncmp(err.msg, "column 9:", 9) == 0,
           "list error at column 9: %s", err.msg);
    abe_attr_set_init(S);
    tap_ok(abe_attr_set_add_list(S, "", 0, '|', &err) == ABE_OK && abe_attr_set_count(S) == 0,
           "empty list is an empty set");
    rc = abe_attr_set_add_list(S, "A||B", 4, '|', &err);
    tap_ok(rc == ABE_ERR_SYNTAX && err.offset == 2, "empty element refused at column 3");
    abe_attr_set_init(S);
    const char *q = "\"a|b\"|C";
    rc = abe_attr_set_add_list(S, q, strlen(q), '|', &err);
    tap_ok(rc == ABE_OK && abe_attr_set_count(S) == 2 && abe_attr_set_contains(S, (const uint8_t *)"a|b", 3),
           "quoted '|' stays in the name");

    /* Capacity: 16 undeclared-width numbers fill 2048 strings. */
    abe_attr_set_init(S);
    char buf[64];
    rc = ABE_OK;
    for (int i = 0; i < 16 && rc == ABE_OK; i++) {
        snprintf(buf, sizeof buf, "n%d = %d", i, i);
        rc = add(buf, &err);
    }
    size_t full = abe_attr_set_count(S);
    tap_ok(rc == ABE_OK && full == 2048, "16 numeric attributes fit (%zu strings)", full);
    rc = add("n16 = 1", &err);
    tap_ok(rc == ABE_ERR_LIMIT && abe_attr_set_count(S) == full, "the 17th is refused, set unchanged");

    /* Raw strings from stored keys: only canonical forms. */
    static const struct { const char *s; size_t len; int ok; } R[] = {
        {"HCU", 3, 1},
        {"\x01x\x1f" "f:=5", 7, 1},
        {"\x01x\x1f" "f:=05", 8, 0},
        {"\x01x\x1f" "w8:b7=1", 10, 1},
        {"\x01x\x1f" "w8:b8=1", 10, 0},
        {"\x01x\x1f" "w8:=256", 10, 0},
        {"\x01x\x1f" "w8:>=2^7", 11, 1},
        {"\x01x\x1f" "w8:>=2^8", 11, 0},
        {"\x01x\x1f" "w8:<2^0", 10, 0},
        {"\x01x\x1f" "w0:=0", 8, 0},
        {"\x01x\x1f" "w65:=0", 9, 0},
        {"\x01x\x1f" "w08:=0", 9, 0},
        {"\x01x\x1f" "d:=2932896", 13, 1},
        {"\x01x\x1f" "d:=2932897", 13, 0},
        {"\x01x\x1f" "f:=5x", 8, 0},
        {"\x01x\x1f" "g:=5", 7, 0},
        {"\x01\x1f" "f:=5", 6, 0},
        {"\x01x", 2, 0},
        {"a\x01", 2, 0},
        {"", 0, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof R / sizeof R[0]; i++)
        bad += abe_astr_valid((const uint8_t *)R[i].s, R[i].len) != R[i].ok;
    tap_eq(bad, 0, "attribute string validation accepts exactly the canonical forms");
    abe_attr_set_init(S);
    tap_ok(abe_attr_set_insert(S, (const uint8_t *)"\x01x\x1f" "f:=05", 8) == ABE_ERR_ARGUMENT &&
               abe_attr_set_insert(S, (const uint8_t *)"\x01x\x1f" "f:=5", 7) == ABE_OK &&
               abe_attr_set_count(S) == 1,
           "abe_attr_set_insert validates");
    free(S);
    return tap_done();
}
