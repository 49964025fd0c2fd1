/* Value parsing for the mobility configurations (see cfg_value.h). */
#include "cfg_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"

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

int cfg_verdict(char *msg, size_t cap, const char *sec, const char *name, const char *v,
                int known, int bad)
{
    if (!known)
        snprintf(msg, cap, "unknown key [%s] %s", sec, name);
    else if (bad)
        snprintf(msg, cap, "bad value for [%s] %s: %.100s", sec, name, v);
    return known && !bad;
}

int cfg_parse_file(const char *path, ini_handler h, void *user, const char *msg, char *err,
                   size_t errlen)
{
    int rc = ini_parse(path, h, user);
    if (rc < 0)
        return roam_errf(err, errlen, "cannot read %s", path);
    if (rc > 0)
        return roam_errf(err, errlen, "%s line %d: %s", path, rc, msg[0] ? msg : "syntax error");
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
