/* Date and clock helpers (see date.h). */
#include "date.h"

#include <stdio.h>
#include <time.h>

void roam_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    if (strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0';
}

int roam_policy_with_expiry(const char *policy, const char *today, char *out, size_t cap)
{
    int n = snprintf(out, cap, "(%s) and expiry >= %s", policy, today);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int64_t roam_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
