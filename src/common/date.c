/* Date and clock helpers (see date.h). */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void roam_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    if (strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        out[0] = '\0';
}

int roam_date_days(const char *date, long *days)
{
    int y, m, d, n = 0;
    if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d)   /* timegm normalized e.g. 02-30 */
        return -1;
    *days = (long)(t / 86400);
    return 0;
}

int64_t roam_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
