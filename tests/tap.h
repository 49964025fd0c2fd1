/* Minimal TAP producer for roam's C tests (meson runs them with protocol: 'tap').
 *
 *   tap_ok(cond, "name %d", i);     one test point
 *   tap_eq(got, want, "name");      one point: got == want, integers
 *   tap_eq_str(got, want, "name");  one point: equal C strings
 *   tap_eq_mem(got, want, n, "name"); one point: equal n bytes
 *   tap_skip("reason");             one skipped point
 *   return tap_done();              prints the plan, exit status 1 on any failure
 *
 * The equality points print what was got and what was wanted when they fail,
 * which a bare tap_ok(a == b, ...) cannot.  tap_eq compares exactly as `==`
 * in the caller would (both sides go through the usual arithmetic
 * conversions to their common type) and evaluates each side once.
 *
 * The plan is printed at the end so tests need not count their points. */
#ifndef ROAM_TESTS_TAP_H
#define ROAM_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n_, tap_failed_;

/* One point with the caller's printf-style name; shared by the equality
 * points, which add their diagnostics after it. */
static inline int tap_point_(int cond, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static inline int tap_point_(int cond, const char *fmt, va_list ap)
{
    ++tap_n_;
    if (!cond)
        ++tap_failed_;
    printf("%sok %d - ", cond ? "" : "not ", tap_n_);
    vprintf(fmt, ap);
    putchar('\n');
    return cond;
}

static inline int tap_ok(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_point_(cond, fmt, ap);
    va_end(ap);
    fflush(stdout);
    return cond;
}

/* tap_eq: one function per common type of the two sides, so that the
 * comparison converts them as `==` would. */
#define TAP_EQ_FN_(suffix, type, pfmt)                                        \
    static inline int tap_eq_##suffix##_(type got, type want,                 \
                                         const char *fmt, ...)                \
        __attribute__((format(printf, 3, 4)));                                \
    static inline int tap_eq_##suffix##_(type got, type want,                 \
                                         const char *fmt, ...)                \
    {                                                                         \
        va_list ap;                                                           \
        int ok = got == want;                                                 \
        va_start(ap, fmt);                                                    \
        tap_point_(ok, fmt, ap);                                              \
        va_end(ap);                                                           \
        if (!ok)                                                              \
            printf("#      got: " pfmt "\n#     want: " pfmt "\n", got, want); \
        fflush(stdout);                                                       \
        return ok;                                                            \
    }
TAP_EQ_FN_(i, int, "%d")
TAP_EQ_FN_(u, unsigned, "%u")
TAP_EQ_FN_(l, long, "%ld")
TAP_EQ_FN_(ul, unsigned long, "%lu")
TAP_EQ_FN_(ll, long long, "%lld")
TAP_EQ_FN_(ull, unsigned long long, "%llu")
#undef TAP_EQ_FN_

/* The controlling expression is not evaluated; its type is the common type
 * `got == want` compares in.  Pointers and floating point have no branch on
 * purpose: compare strings with tap_eq_str, bytes with tap_eq_mem. */
#define tap_eq(got, want, ...)                                                \
    _Generic((got) + (want),                                                  \
        int: tap_eq_i_, unsigned: tap_eq_u_,                                  \
        long: tap_eq_l_, unsigned long: tap_eq_ul_,                           \
        long long: tap_eq_ll_, unsigned long long: tap_eq_ull_)(              \
        (got), (want), __VA_ARGS__)

/* Prints s quoted with C escapes for what would break the TAP line. */
static inline void tap_quote_(const char *s)
{
    if (!s) {
        fputs("(null)", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* Equal C strings (strcmp == 0); a NULL side fails instead of crashing. */
static inline int tap_eq_str(const char *got, const char *want,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int tap_eq_str(const char *got, const char *want,
                             const char *fmt, ...)
{
    va_list ap;
    int ok = got && want && strcmp(got, want) == 0;
    va_start(ap, fmt);
    tap_point_(ok, fmt, ap);
    va_end(ap);
    if (!ok) {
        fputs("#      got: ", stdout);
        tap_quote_(got);
        fputs("\n#     want: ", stdout);
        tap_quote_(want);
        putchar('\n');
    }
    fflush(stdout);
    return ok;
}

/* Equal n bytes (memcmp == 0).  On failure prints the first differing
 * offset and up to 16 bytes of each side from there, in hex. */
static inline int tap_eq_mem(const void *got, const void *want, size_t n,
                             const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int tap_eq_mem(const void *got, const void *want, size_t n,
                             const char *fmt, ...)
{
    va_list ap;
    const unsigned char *g = got, *w = want;
    int ok = n == 0 || (g && w && memcmp(g, w, n) == 0);
    va_start(ap, fmt);
    tap_point_(ok, fmt, ap);
    va_end(ap);
    if (!ok && g && w) {
        size_t at = 0, i;
        while (g[at] == w[at])
            at++;
        printf("#   differ at byte %zu of %zu\n#      got:", at, n);
        for (i = at; i < n && i < at + 16; i++)
            printf(" %02x", g[i]);
        fputs("\n#     want:", stdout);
        for (i = at; i < n && i < at + 16; i++)
            printf(" %02x", w[i]);
        putchar('\n');
    } else if (!ok) {
        printf("#   %s is NULL\n", g ? "want" : "got");
    }
    fflush(stdout);
    return ok;
}

static inline void tap_skip(const char *why)
{
    printf("ok %d # SKIP %s\n", ++tap_n_, why);
}

/* Diagnostic line, shown by the TAP harness but not a test point. */
#define tap_diag(...) (printf("# "), printf(__VA_ARGS__), putchar('\n'))

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n_);
    return tap_failed_ ? 1 : 0;
}

#endif
