/* bench/auth/bench_time.h: the clock, the median and the fatal exit the
 * authentication benchmarks share. */
#ifndef ROAM_BENCH_AUTH_TIME_H
#define ROAM_BENCH_AUTH_TIME_H

/* Monotonic milliseconds. */
double bench_now_ms(void);

/* The median of v[0..n) (n > 0); sorts v in place, so v[0] and v[n-1] are
 * then the extremes. */
double bench_median(double *v, unsigned n);

/* "<program>: what" on stderr, exit 1. */
_Noreturn void bench_die(const char *what);

#endif
