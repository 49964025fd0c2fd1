/* HOST[:PORT] parsing (see hostport.h). */
#include "hostport.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int roam_split_hostport(const char *s, char *host, size_t hostcap, char *port,
                         size_t portcap, const char *default_port)
{
    const char *h = s, *p = NULL;
    size_t hl;
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close)
            return -1;
        h = s + 1;
        hl = (size_t)(close - h);
        if (close[1] == ':')
            p = close + 2;
        else if (close[1] != '\0')
            return -1;
    } else {
        const char *colon = strchr(s, ':');
        if (colon && strchr(colon + 1, ':')) {
            hl = strlen(s);          /* bare IPv6 literal, no port */
        } else if (colon) {
            hl = (size_t)(colon - s);
            p = colon + 1;
        } else {
            hl = strlen(s);
        }
    }
    if (hl == 0 || hl >= hostcap)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    if (!p)
        p = default_port;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (*p == '\0' || *end != '\0' || errno || v < 0 || v > 65535 || strlen(p) >= portcap)
        return -1;
    /* default_port may be port itself (the config readers keep the port
     * given so far as the default): the copy may overlap */
    memmove(port, p, strlen(p) + 1);
    return 0;
}

/* host as an address of family af into out (16 bytes), or 0 if it is not one. */
static int literal(const char *host, int *af, unsigned char out[16])
{
    memset(out, 0, 16);
    if (inet_pton(AF_INET6, host, out) == 1) {
        *af = AF_INET6;
        return 1;
    }
    if (inet_pton(AF_INET, host, out) == 1) {
        *af = AF_INET;
        return 1;
    }
    return 0;
}

int roam_same_hostport(const char *a, const char *b, const char *default_port)
{
    char ha[256], hb[256], pa[8], pb[8];
    if (roam_split_hostport(a, ha, sizeof ha, pa, sizeof pa, default_port) < 0 ||
        roam_split_hostport(b, hb, sizeof hb, pb, sizeof pb, default_port) < 0)
        return -1;
    if (strtol(pa, NULL, 10) != strtol(pb, NULL, 10))
        return 0;
    unsigned char xa[16], xb[16];
    int fa = 0, fb = 0, la = literal(ha, &fa, xa), lb = literal(hb, &fb, xb);
    if (la || lb)
        return la && lb && fa == fb && memcmp(xa, xb, 16) == 0;
    size_t na = strlen(ha), nb = strlen(hb);
    if (ha[na - 1] == '.')
        ha[--na] = '\0';
    if (hb[nb - 1] == '.')
        hb[--nb] = '\0';
    return na == nb && strcasecmp(ha, hb) == 0;
}

int roam_host_valid(const char *host)
{
    unsigned char a[16];
    if (inet_pton(AF_INET6, host, a) == 1 || inet_pton(AF_INET, host, a) == 1)
        return 1;
    size_t n = strlen(host), label = 0;
    if (n == 0 || n > 253)
        return 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = host[i];
        if (ch == '.' || ch == '\0') {
            if (label == 0 || host[i - 1] == '-')
                return 0;
            label = 0;
        } else if (isalnum((unsigned char)ch) || (ch == '-' && label > 0) || ch == '_') {
            if (++label > 63)
                return 0;
        } else {
            return 0;
        }
    }
    return 1;
}

int roam_ifname_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= 16)
        return 0;
    for (; *name; name++)
        if (*name == '/' || *name == ':' || isspace((unsigned char)*name))
            return 0;
    return 1;
}
