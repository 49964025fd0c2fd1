/* Dates and clocks: today's date (UTC) as policies write it (the day of
 * the expiry clause every policy is ANDed with, abe_policy_and_expiry), and
 * the monotonic microseconds phase timings use. */
#ifndef ROAM_COMMON_DATE_H
#define ROAM_COMMON_DATE_H

#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DD" of the current UTC day into out (11 bytes). */
void roam_today(char out[11]);

/* Days since 1970-01-01 of a YYYY-MM-DD calendar date: 0, or -1 if it is
 * not one. */
int roam_date_days(const char *date, long *days);

/* CLOCK_MONOTONIC in microseconds. */
int64_t roam_mono_us(void);

#endif
