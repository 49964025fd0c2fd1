/* HOST[:PORT] parsing (see hostport.h). */
#include "hostport.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
    strcpy(port, p);
    return 0;
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
