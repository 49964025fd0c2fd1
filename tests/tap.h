/* Minimal TAP producer for roam's C tests (meson runs them with protocol: 'tap').
 *
 *   tap_ok(cond, "name %d", i);     one test point
 *   tap_skip("reason");             one skipped point
 *   return tap_done();              prints the plan, exit status 1 on any failure
 *
 * The plan is printed at the end so tests need not count their points. */
#ifndef ROAM_TESTS_TAP_H
#define ROAM_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n_, tap_failed_;

static inline int tap_ok(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    ++tap_n_;
    if (!cond)
        ++tap_failed_;
    printf("%sok %d - ", cond ? "" : "not ", tap_n_);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    return cond;
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
