/* Whether a user key is usable today, in words (kgc.h): keygen refuses
 * what no server would accept, inspect shows it, from one verdict
 * (abe_key_why_not, the rule every roam server applies). */
#include <stdio.h>

#include "abe.h"
#include "date.h"
#include "kgc.h"

int kgc_key_validity(const abe_key_t *key, char *out, size_t cap)
{
    char today[11], exp[128];
    long from, to;
    roam_today(today);
    switch (abe_key_why_not(key, NULL, today, exp, sizeof exp)) {
    case ABE_WHY_OK:
        if (abe_key_expiry(key, exp, sizeof exp) && roam_date_days(exp, &to) == 0 &&
            roam_date_days(today, &from) == 0)
            snprintf(out, cap, "%s (valid: today is %s; %ld days left, the expiry day "
                     "included)", exp, today, to - from + 1);
        else
            snprintf(out, cap, "%s (valid today, %s)", exp, today);
        return 1;
    case ABE_WHY_EXPIRED:
        snprintf(out, cap, "%s (expired: today is %s, and servers require expiry >= today)",
                 exp, today);
        return 0;
    case ABE_WHY_UNDATED:
        snprintf(out, cap, "none (servers require expiry >= today: a key without expiry is "
                 "never accepted)");
        return 0;
    default:
        snprintf(out, cap, "unknown (the date of today could not be determined)");
        return 0;
    }
}
