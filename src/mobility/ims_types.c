/* Address and binding-list rules shared by every mobility component. */
#include "ims_types.h"

#include <arpa/inet.h>
#include <string.h>

#include "errbuf.h"
#include "ipv6_addr.h"

int ims_mapping_active(const ims_mapping *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->b[i].state == IMS_ACTIVE)
            return (int)i;
    return -1;
}

int ims_mapping_same_bindings(const ims_mapping *x, const ims_mapping *y)
{
    return x->n == y->n && memcmp(x->b, y->b, x->n * sizeof x->b[0]) == 0;
}

int ims_addr_check(const uint8_t a[IMS_ADDR_LEN], const char *what, char *err, size_t errlen)
{
    return roam_ipv6_unicast_check(a, what, err, errlen);
}

int ims_bindings_check(const ims_binding *b, size_t n, char *err, size_t errlen)
{
    if (n > IMS_MAX_BINDINGS)
        return roam_errf(err, errlen, "%zu mobile addresses, at most %d allowed", n,
                         IMS_MAX_BINDINGS);
    size_t active = 0;
    for (size_t i = 0; i < n; i++) {
        if (ims_addr_check(b[i].moa, "mobile address", err, errlen) < 0)
            return -1;
        if (b[i].state != IMS_STANDBY && b[i].state != IMS_ACTIVE)
            return roam_errf(err, errlen, "mobile address %zu has no valid state", i);
        if (b[i].state == IMS_ACTIVE && ++active > 1)
            return roam_errf(err, errlen, "more than one active mobile address");
        for (size_t j = 0; j < i; j++)
            if (memcmp(b[i].moa, b[j].moa, IMS_ADDR_LEN) == 0)
                return roam_errf(err, errlen, "mobile address listed twice");
    }
    return 0;
}

const char *ims_addr_str(const uint8_t a[IMS_ADDR_LEN], char *buf, size_t len)
{
    if (!inet_ntop(AF_INET6, a, buf, (socklen_t)len) && len)
        buf[0] = '\0';
    return buf;
}

int ims_addr_parse(const char *s, uint8_t out[IMS_ADDR_LEN])
{
    return s && inet_pton(AF_INET6, s, out) == 1 ? 0 : -1;
}
