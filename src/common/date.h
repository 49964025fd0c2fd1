/* Dates and clocks: today's date (UTC) as policies write it, the expiry
 * clause every policy is ANDed with (docs/design.md §4: keys carry
 * `expiry = DATE`), and the monotonic microseconds phase timings use. */
#ifndef ROAM_COMMON_DATE_H
#define ROAM_COMMON_DATE_H

#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DD" of the current UTC day into out (11 bytes). */
void roam_today(char out[11]);

/* "(policy) and expiry >= YYYY-MM-DD" into out.  0, or -1 if it does not fit. */
int roam_policy_with_expiry(const char *policy, const char *today, char *out, size_t cap);

/* CLOCK_MONOTONIC in microseconds. */
int64_t roam_mono_us(void);

#endif
