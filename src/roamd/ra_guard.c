/* The standby NIC's RA guard on the source's bridge (see ra_guard.h). */
#include "ra_guard.h"

#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "nft_exec.h"

/* A tap name as libvirt makes them (vnetN, macvtapN) or an administrator
 * names one: no quotes, spaces or nft syntax can ride in. */
static int tap_name_ok(const char *tap)
{
    size_t n = strlen(tap);
    if (n == 0 || n >= 16)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = tap[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* "add" is idempotent for tables, sets and chains; the chain is flushed
 * and its one rule added again in the same transaction, so that it is there
 * exactly once however often this runs.  Priority -200: before any filter
 * a provider adds at 0. */
#define TABLE_SCRIPT                                                                   \
    "add table bridge roamd\n"                                                         \
    "add set bridge roamd standby_taps { type ifname; }\n"                             \
    "add chain bridge roamd forward { type filter hook forward priority -200; "        \
    "policy accept; }\n"                                                               \
    "flush chain bridge roamd forward\n"                                               \
    "add rule bridge roamd forward oifname @standby_taps icmpv6 type "                 \
    "{ nd-router-advert, nd-redirect } drop\n"

int roamd_ra_guard_reset(char *err, size_t errlen)
{
    /* Adding first makes the delete succeed whether or not it existed. */
    return roam_nft_exec_once("add table bridge roamd\ndelete table bridge roamd\n",
                              "RA guard reset", err, errlen);
}

int roamd_ra_guard_add(const char *tap, char *err, size_t errlen)
{
    if (!tap_name_ok(tap))
        return roam_errf(err, errlen, "RA guard: '%s' is not a tap name", tap);
    char script[1024];
    snprintf(script, sizeof script, TABLE_SCRIPT
             "add element bridge roamd standby_taps { \"%s\" }\n", tap);
    return roam_nft_exec_once(script, "RA guard", err, errlen);
}

int roamd_ra_guard_del(const char *tap, char *err, size_t errlen)
{
    if (!tap_name_ok(tap))
        return roam_errf(err, errlen, "RA guard: '%s' is not a tap name", tap);
    char script[1024];
    /* Added then deleted in one transaction: no error if it was not there. */
    snprintf(script, sizeof script, TABLE_SCRIPT
             "add element bridge roamd standby_taps { \"%s\" }\n"
             "delete element bridge roamd standby_taps { \"%s\" }\n", tap, tap);
    return roam_nft_exec_once(script, "RA guard removal", err, errlen);
}
