/* libvirt connections, lookup and error text (see virt.h). */
#include "virt.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>
#include <libxml/parser.h>

#include "errbuf.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;

/* libvirt's default handler prints every error to stderr; roam passes the
 * text on to its caller instead, so the handler does nothing. */
static void quiet(void *opaque, virErrorPtr e)
{
    (void)opaque;
    (void)e;
}

static void init_once(void)
{
    xmlInitParser();
    virSetErrorFunc(NULL, quiet);
    init_rc = virInitialize() == 0 && virEventRegisterDefaultImpl() == 0 ? 0 : -1;
}

int roam_virt_init(char *err, size_t errlen)
{
    if (pthread_once(&once, init_once) != 0 || init_rc != 0)
        return roam_virt_errf(err, errlen, "cannot initialize libvirt");
    return 0;
}

int roam_virt_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    const char *why = virGetLastErrorMessage();
    size_t used = strlen(err);
    if (why && *why && used + 1 < errlen)
        snprintf(err + used, errlen - used, ": %s", why);
    return -1;
}

virConnectPtr roam_virt_open(const char *uri, char *err, size_t errlen)
{
    if (roam_virt_init(err, errlen) < 0)
        return NULL;
    if (!uri || !*uri) {
        roam_errf(err, errlen, "no libvirt URI given");
        return NULL;
    }
    virConnectPtr c = virConnectOpen(uri);
    if (!c)
        roam_virt_errf(err, errlen, "cannot connect to libvirt at %s", uri);
    return c;
}

virDomainPtr roam_virt_domain(virConnectPtr conn, const char *name, char *err, size_t errlen)
{
    if (!name || !*name) {
        roam_errf(err, errlen, "no domain name given");
        return NULL;
    }
    virDomainPtr d = virDomainLookupByName(conn, name);
    if (!d) {
        /* Take libvirt's reason first: virConnectGetURI resets it. */
        char why[256];
        snprintf(why, sizeof why, "%s", virGetLastErrorMessage());
        char *uri = virConnectGetURI(conn);
        roam_errf(err, errlen, "no domain %s on %s: %s", name, uri ? uri : "libvirt", why);
        free(uri);
    }
    return d;
}
