/* Policy text: precedence and normal form (through abe_policy_format and the
 * canonical encoding), and every structural error with its code, position
 * and message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe_check.h"
#include "tap.h"

static abe_policy_t *P;

static int parse(const char *text, size_t len, abe_error_t *err)
{
    return abe_policy_parse(P, text, len, err);
}

/* text for a TAP test name: a raw newline would end the TAP line. */
static const char *shown(const char *text)
{
    static char buf[512];
    size_t o = 0;
    for (const char *p = text; *p && o + 3 < sizeof buf; p++) {
        char esc = *p == '\n' ? 'n' : *p == '\t' ? 't' : *p == '\r' ? 'r' : 0;
        if (esc) {
            buf[o++] = '\\';
            buf[o++] = esc;
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = 0;
    return buf;
}

/* text parses and renders as want. */
static void shape(const char *text, const char *want)
{
    abe_error_t err;
    char out[4096];
    int rc = parse(text, strlen(text), &err);
    if (rc != ABE_OK) {
        tap_ok(0, "parses: %s (%s)", shown(text), err.msg);
        return;
    }
    abe_policy_format(P, out, sizeof out);
    if (!tap_eq_str(out, want, "'%s' reads as '%s'", shown(text), want))
        tap_diag("got '%s'", out);
}

/* a and b compile to the same canonical bytes. */
static void same(const char *a, const char *b)
{
    static uint8_t ea[ABE_POL_MAX_ENCODED], eb[ABE_POL_MAX_ENCODED];
    size_t la = 0, lb = 0;
    abe_error_t err;
    int ok = parse(a, strlen(a), &err) == ABE_OK && abe_policy_encode(P, ea, sizeof ea, &la) == ABE_OK &&
             parse(b, strlen(b), &err) == ABE_OK && abe_policy_encode(P, eb, sizeof eb, &lb) == ABE_OK;
    tap_ok(ok && la == lb && memcmp(ea, eb, la) == 0, "'%s' == '%s'", a, b);
}

static void bad_n(const char *text, size_t len, int code, size_t offset, const char *needle)
{
    abe_error_t err;
    char col[32];
    int rc = parse(text, len, &err);
    snprintf(col, sizeof col, "column %zu:", offset + 1);
    int ok = rc == code && err.code == code && err.offset == offset &&
             strstr(err.msg, needle) != NULL && strncmp(err.msg, col, strlen(col)) == 0 &&
             P->n_nodes == 0;
    if (!tap_ok(ok, "refused: '%.*s' -> %s at %zu", (int)(len > 60 ? 60 : len), text,
                abe_strerror(code), offset))
        tap_diag("got rc %d offset %zu: %s", rc, err.offset, err.msg);
}

static void bad(const char *text, int code, size_t offset, const char *needle)
{
    bad_n(text, strlen(text), code, offset, needle);
}

static void good(const char *text)
{
    abe_error_t err;
    int rc = parse(text, strlen(text), &err);
    if (!tap_eq(rc, ABE_OK, "accepted: '%.60s'", text))
        tap_diag("%s", err.msg);
}

static void limits(void)
{
    static char buf[ABE_POL_MAX_TEXT * 2];
    size_t n;
    /* Depth: 32 nested parentheses are fine, 33 are not. */
    for (int depth = 32; depth <= 33; depth++) {
        n = 0;
        for (int i = 0; i < depth; i++)
            buf[n++] = '(';
        buf[n++] = 'A';
        for (int i = 0; i < depth; i++)
            buf[n++] = ')';
        abe_error_t err;
        int rc = parse(buf, n, &err);
        if (depth == 32)
            tap_eq(rc, ABE_OK, "depth 32 accepted");
        else
            tap_ok(rc == ABE_ERR_LIMIT && err.offset == 32 && strstr(err.msg, "nesting"),
                   "depth 33 refused at column 33: %s", err.msg);
    }
    /* Nested thresholds count too. */
    n = 0;
    size_t open33 = 0;
    for (int i = 0; i < 33; i++) {
        open33 = n + 5;
        n += (size_t)sprintf(buf + n, "1 of (A%d, ", i);
    }
    n += (size_t)sprintf(buf + n, "Z");
    for (int i = 0; i < 33; i++)
        buf[n++] = ')';
    bad_n(buf, n, ABE_ERR_LIMIT, open33, "nesting");

    /* Leaves: 256 fine, 257 not. */
    for (int leaves = 256; leaves <= 257; leaves++) {
        n = 0;
        for (int i = 0; i < leaves; i++)
            n += (size_t)sprintf(buf + n, "%sa%d", i ? "|" : "", i);
        abe_error_t err;
        int rc = parse(buf, n, &err);
        if (leaves == 256)
            tap_ok(rc == ABE_OK && P->n_leaves == 256, "256 leaves accepted");
        else
            tap_ok(rc == ABE_ERR_LIMIT && strstr(err.msg, "256 leaves"), "257 leaves refused: %s",
                   err.msg);
    }
    /* ... also when the leaves come from numeric expansion. */
    n = 0;
    for (int i = 0; i < 5; i++)
        n += (size_t)sprintf(buf + n, "%sx%d > 9223372036854775806", i ? " or " : "", i);
    /* Each comparison is 64 leaves (marker + 63 bits): the fifth overflows. */
    bad_n(buf, n, ABE_ERR_LIMIT, 4 * 28, "leaves");

    /* Text length. */
    memset(buf, ' ', ABE_POL_MAX_TEXT + 1);
    buf[0] = 'A';
    tap_eq(parse(buf, ABE_POL_MAX_TEXT, NULL), ABE_OK, "%d bytes accepted", ABE_POL_MAX_TEXT);
    bad_n(buf, ABE_POL_MAX_TEXT + 1, ABE_ERR_LIMIT, ABE_POL_MAX_TEXT, "longer than 4096");

    /* Name length (bare and quoted). */
    memset(buf, 'n', ABE_POL_MAX_NAME + 1);
    tap_eq(parse(buf, ABE_POL_MAX_NAME, NULL), ABE_OK, "%d-byte name accepted", ABE_POL_MAX_NAME);
    bad_n(buf, ABE_POL_MAX_NAME + 1, ABE_ERR_LIMIT, 0, "longer than 128");
    buf[0] = '"';
    memset(buf + 1, 'q', ABE_POL_MAX_NAME + 1);
    buf[ABE_POL_MAX_NAME + 2] = '"';
    bad_n(buf, ABE_POL_MAX_NAME + 3, ABE_ERR_LIMIT, 0, "longer than 128");

    /* tau: an attribute may repeat up to 32 times. */
    abe_lsss_t *l = chk_lsss_new();
    for (int reps = 32; reps <= 33; reps++) {
        n = 0;
        for (int i = 0; i < reps; i++)
            n += (size_t)sprintf(buf + n, "%sR", i ? " or " : "");
        abe_error_t err;
        int rc = parse(buf, n, &err);
        rc = rc == ABE_OK ? abe_lsss_compile(l, P, &err) : rc;
        if (reps == 32)
            tap_ok(rc == ABE_OK && l->tau == 32, "R repeated 32 times: tau 32");
        else
            tap_ok(rc == ABE_ERR_LIMIT && strstr(err.msg, "more than 32 times"),
                   "R repeated 33 times refused: %s", err.msg);
    }
    free(l);
}

int main(void)
{
    P = chk_policy_new();

    /* Precedence, associativity, flattening, keywords and symbols. */
    shape("A or B and C", "A or (B and C)");
    shape("A and B or C", "(A and B) or C");
    shape("A | B & C", "A or (B and C)");
    shape("A AND B OR C AND D", "(A and B) or (C and D)");
    shape("(A or B) and (C or D)", "(A or B) and (C or D)");
    shape("(A and B) and C", "A and B and C");
    shape("A and (B and (C and D))", "A and B and C and D");
    shape("((((A))))", "A");
    shape("  A\tor\n  B ", "A or B");
    shape("(A)and(B)", "A and B");
    shape("2of(A,B,C)", "2 of (A, B, C)");
    shape("2 OF (A, B, C)", "2 of (A, B, C)");
    shape("2 of (A, B)", "A and B");
    shape("1 of (A, B, C)", "A or B or C");
    shape("A or 1 of (B, C)", "A or B or C");
    shape("A and 3 of (B, C, D)", "A and B and C and D");
    shape("2 of (A and B, C or D, E)", "2 of ((A and B), (C or D), E)");
    shape("2 of (A, A, B)", "2 of (A, A, B)");
    shape("\"dept cs\" and \"a\\\"b\\\\c\"", "\"dept cs\" and \"a\\\"b\\\\c\"");
    shape("\"and\" or \"OR\" or \"of\"", "\"and\" or \"OR\" or \"of\"");
    shape("\"Z\xc3\xbcrich\"", "\"Z\xc3\xbcrich\"");
    shape("grade >= 3", "grade#f:>=2^2 or (grade#f:b0=1 and grade#f:b1=1)");
    shape("x < 8", "x#f:<2^3");
    shape("x > 255", "x#f:>=2^8");
    shape("x = 5#8", "x#w8:=5");
    shape("x >= 18446744073709551615", "x#f:=18446744073709551615");
    shape("x <= 0", "x#f:=0");
    shape("d > 9999-12-30", "d#d:=2932896");

    /* Same policy, different spelling. */
    same("3 < grade", "grade > 3");
    same("grade >= 4", "grade > 3");
    same("x <= 5", "x < 6");
    same("4 >= grade", "grade <= 4");
    same("\"HCU\"", "HCU");
    same("A & B | C", "A and B or C");
    same("expiry >= 2026-11-25", "2026-11-25 <= expiry");
    same("x = 5 # 8", "x = 5#8");

    good("x = 5#64");
    good("x > 18446744073709551614#64");
    good("expiry >= 2024-02-29");
    good("expiry >= 2000-02-29");
    good("\"x|y\" and \"(z)\"");
    good("A_1 and b2 and c_");

    /* Structural errors, with their positions. */
    bad("", ABE_ERR_SYNTAX, 0, "empty policy");
    bad("   ", ABE_ERR_SYNTAX, 3, "empty policy");
    bad("A and", ABE_ERR_SYNTAX, 5, "dangling operator");
    bad("A or ", ABE_ERR_SYNTAX, 5, "dangling operator");
    bad("and A", ABE_ERR_SYNTAX, 0, "no left operand");
    bad("A and or B", ABE_ERR_SYNTAX, 6, "two operators in a row");
    bad("A && B", ABE_ERR_SYNTAX, 3, "two operators in a row");
    bad("(A and )", ABE_ERR_SYNTAX, 7, "no right operand");
    bad("(A and B", ABE_ERR_SYNTAX, 8, "'(' at column 1 is never closed");
    bad("A or (B and (C", ABE_ERR_SYNTAX, 14, "'(' at column 13 is never closed");
    bad("A and B)", ABE_ERR_SYNTAX, 7, "')' without a matching '('");
    bad("()", ABE_ERR_SYNTAX, 0, "empty parentheses");
    bad("A B", ABE_ERR_SYNTAX, 2, "missing operator");
    bad("(A B)", ABE_ERR_SYNTAX, 3, "missing operator");
    bad("2 of (A B)", ABE_ERR_SYNTAX, 8, "missing operator");
    bad("2 of ()", ABE_ERR_SYNTAX, 0, "has no operands");
    bad("3 of (A, B)", ABE_ERR_SYNTAX, 0, "can never be satisfied");
    bad("0 of (A, B)", ABE_ERR_SYNTAX, 0, "always true");
    bad("1 of (A)", ABE_ERR_SYNTAX, 0, "at least 2 operands");
    bad("2 of (A, B", ABE_ERR_SYNTAX, 10, "never closed");
    bad("2 of (A,)", ABE_ERR_SYNTAX, 8, "expected an attribute");
    bad("2 of A", ABE_ERR_SYNTAX, 5, "expected '('");
    bad("x < y", ABE_ERR_SYNTAX, 4, "not two attributes");
    bad("5", ABE_ERR_SYNTAX, 0, "a number is not a condition");
    bad("A and 5", ABE_ERR_SYNTAX, 6, "a number is not a condition");
    bad("5 < 6", ABE_ERR_SYNTAX, 4, "expected an attribute name");
    bad("x >", ABE_ERR_SYNTAX, 3, "expected a number or a date");
    bad("x > -1", ABE_ERR_RANGE, 4, "negative");
    bad("-1 < x", ABE_ERR_RANGE, 0, "negative");
    bad("x > 1.5", ABE_ERR_SYNTAX, 4, "unsigned integers");
    bad("x > 18446744073709551616", ABE_ERR_RANGE, 4, "larger than 18446744073709551615");
    bad("x > 5#0", ABE_ERR_RANGE, 6, "width 0 is outside 1..64");
    bad("x > 5#65", ABE_ERR_RANGE, 6, "width 65 is outside 1..64");
    bad("x > 5#", ABE_ERR_SYNTAX, 6, "expected a width");
    bad("x > 300#8", ABE_ERR_RANGE, 4, "300 does not fit in 8 bits");
    bad("x = 2026-11-25#8", ABE_ERR_SYNTAX, 14, "a date takes no width");
    bad("e > 2026-02-30", ABE_ERR_RANGE, 4, "not a calendar date");
    bad("e > 2023-02-29", ABE_ERR_RANGE, 4, "not a calendar date");
    bad("e > 2100-02-29", ABE_ERR_RANGE, 4, "not a calendar date");
    bad("e > 1969-12-31", ABE_ERR_RANGE, 4, "1970-01-01");
    bad("e > 2026-13-01", ABE_ERR_RANGE, 4, "not a calendar date");
    bad("e > 2026-1-01", ABE_ERR_SYNTAX, 4, "YYYY-MM-DD");
    bad("e > 20261-01-01", ABE_ERR_SYNTAX, 4, "YYYY-MM-DD");

    /* Always true / always false comparisons name which one they are. */
    bad("x >= 0", ABE_ERR_TRIVIAL, 0, "'x >= 0' is always true");
    bad("A or x >= 0", ABE_ERR_TRIVIAL, 5, "'x >= 0' is always true");
    bad("0 <= x", ABE_ERR_TRIVIAL, 0, "'0 <= x' is always true");
    bad("x < 0", ABE_ERR_TRIVIAL, 0, "always false");
    bad("0 > x", ABE_ERR_TRIVIAL, 0, "always false");
    bad("x <= 18446744073709551615", ABE_ERR_TRIVIAL, 0, "always true");
    bad("x > 18446744073709551615", ABE_ERR_TRIVIAL, 0, "always false");
    bad("x <= 255#8", ABE_ERR_TRIVIAL, 0, "'x <= 255#8' is always true");
    bad("x > 255#8", ABE_ERR_TRIVIAL, 0, "always false");
    bad("x > 18446744073709551615#64", ABE_ERR_TRIVIAL, 0, "always false");
    bad("e >= 1970-01-01", ABE_ERR_TRIVIAL, 0, "always true");
    bad("e <= 9999-12-31", ABE_ERR_TRIVIAL, 0, "always true");
    bad("e > 9999-12-31", ABE_ERR_TRIVIAL, 0, "always false");

    /* Negation, reserved words, bytes that are not part of the language. */
    bad("not A", ABE_ERR_NEGATION, 0, "negation is not expressible in a monotone policy");
    bad("A and NOT B", ABE_ERR_NEGATION, 6, "negation is not expressible");
    bad("!A", ABE_ERR_NEGATION, 0, "negation is not expressible");
    bad("A and !B", ABE_ERR_NEGATION, 6, "negation is not expressible");
    bad("A And B", ABE_ERR_SYNTAX, 2, "reserved word");
    bad("Not A", ABE_ERR_SYNTAX, 0, "reserved word");
    bad("A$B", ABE_ERR_SYNTAX, 1, "unexpected character '$'");
    bad_n("A\0B", 3, ABE_ERR_SYNTAX, 1, "unexpected byte 0x00");
    bad("A or \xff", ABE_ERR_SYNTAX, 5, "unexpected byte 0xff");
    bad("\"unterminated", ABE_ERR_SYNTAX, 0, "unterminated quoted name");
    bad("\"a\x01" "b\"", ABE_ERR_SYNTAX, 2, "control character 0x01");
    bad("\"a\tb\"", ABE_ERR_SYNTAX, 2, "control character 0x09");
    bad("\"\"", ABE_ERR_SYNTAX, 0, "empty quoted name");
    bad("\"a\\nb\"", ABE_ERR_SYNTAX, 2, "unknown escape");
    bad("\"\xc3(\"", ABE_ERR_SYNTAX, 0, "not valid UTF-8");
    bad("\"\xed\xa0\x80\"", ABE_ERR_SYNTAX, 0, "not valid UTF-8");
    limits();
    free(P);
    return tap_done();
}
