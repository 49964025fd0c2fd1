/* Value parsing for configuration files (see cfg_value.h). */
#include "cfg_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int cfg_copy(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);
    if (n >= cap)
        return -1;
    memcpy(dst, v, n + 1);
    return 0;
}

int cfg_long(const char *v, long lo, long hi, long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    /* strtol saturates on overflow; the range check then refuses it */
    if (!*v || *end || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

int cfg_int(const char *v, int lo, int hi, int *out)
{
    long x;
    if (cfg_long(v, lo, hi, &x) < 0)
        return -1;
    *out = (int)x;
    return 0;
}

int cfg_bool(const char *v, int *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
        *out = v[0] == 'y';
        return 0;
    }
    return -1;
}
