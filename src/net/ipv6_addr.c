/* IPv6 address classes roam refuses (see ipv6_addr.h). */
#include "ipv6_addr.h"

#include <string.h>

#include "errbuf.h"

int roam_ipv6_unicast_check(const uint8_t a[16], const char *what, char *err, size_t errlen)
{
    static const uint8_t zero[16];
    static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (memcmp(a, zero, 15) == 0 && a[15] <= 1)
        return roam_errf(err, errlen, "%s is the unspecified or loopback address", what);
    if (a[0] == 0xff)
        return roam_errf(err, errlen, "%s is a multicast address", what);
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return roam_errf(err, errlen, "%s is a link-local address", what);
    if (memcmp(a, v4mapped, sizeof v4mapped) == 0)
        return roam_errf(err, errlen, "%s is an IPv4-mapped address", what);
    return 0;
}
