/* roam's libvirt wrapper: connections and domain lookup, with errors that
 * carry libvirt's own reason.  The other headers here cover roam's metadata
 * (metadata.h), NICs (iface.h), migration and job stats (virt_migrate.h) and
 * lifecycle events (events.h).
 *
 * Errors follow src/common/errbuf.h: a caller-owned (err, errlen) buffer. */
#ifndef ROAM_VIRT_VIRT_H
#define ROAM_VIRT_VIRT_H

#include <stddef.h>

#include <libvirt/libvirt.h>

/* Open a connection to uri (e.g. "qemu:///system", "test:///default").
 * First call in the process also registers libvirt's default event loop
 * implementation (events.h needs it before any connection is opened) and
 * stops libvirt from printing errors to stderr: roam reports them itself.
 * Returns NULL with err filled on failure.  Close with virConnectClose. */
virConnectPtr roam_virt_open(const char *uri, char *err, size_t errlen);

/* Look up a domain by name.  NULL with "no domain NAME on URI: reason". */
virDomainPtr roam_virt_domain(virConnectPtr conn, const char *name, char *err, size_t errlen);

/* Format err, then append ": " and libvirt's last error message for this
 * thread.  Returns -1. */
int roam_virt_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One-time process setup (done by roam_virt_open; exposed for callers that
 * open connections themselves).  0 or -1. */
int roam_virt_init(char *err, size_t errlen);

#endif
