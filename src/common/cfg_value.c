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

int cfg_port_text(char *dst, size_t cap, const char *v, long lo)
{
    long x;
    return cfg_long(v, lo, 65535, &x) < 0 ? -1 : cfg_copy(dst, cap, v);
}

int cfg_bool(const char *v, int *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
        *out = v[0] == 'y';
        return 0;
    }
    return -1;
}
