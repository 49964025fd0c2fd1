/* Numeric attribute types and dates (see num_type.h). */
#include "num_type.h"

num_type_t abe_num_type_make(num_kind kind, unsigned width)
{
    num_type_t t;
    t.kind = kind;
    t.width = kind == NUM_FLEX ? 64 : kind == NUM_DATE ? NUM_DATE_BITS : width;
    return t;
}

/* Days from 1970-01-01 to 9999-12-31. */
#define DATE_MAX_DAYS 2932896u

uint64_t abe_num_max(num_type_t t)
{
    if (t.kind == NUM_DATE)
        return DATE_MAX_DAYS;
    return t.width >= 64 ? UINT64_MAX : (((uint64_t)1 << t.width) - 1);
}

static int is_leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int abe_num_date_days(unsigned year, unsigned month, unsigned day, uint64_t *days)
{
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1)
        return -1;
    unsigned dim = mdays[month - 1] + (month == 2 && is_leap(year) ? 1u : 0u);
    if (day > dim)
        return -1;
    /* Civil-from-days inverse with March-based years: leap day at year end. */
    unsigned y = month <= 2 ? year - 1 : year;
    unsigned mp = month > 2 ? month - 3 : month + 9;
    uint64_t era = y / 400, yoe = y % 400;
    uint64_t doy = (153 * (uint64_t)mp + 2) / 5 + day - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    uint64_t total = era * 146097 + doe;   /* days since 0000-03-01 */
    *days = total - 719468;                /* 1970-01-01 is day 719468 */
    return 0;
}
