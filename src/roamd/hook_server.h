/* roamd's side of libvirt's qemu hook: when a migration comes in, the hook
 * (roam-hook) sends the VM's name and its domain XML over the hook socket
 * ([hook] socket); roamd lets it in only if the XML passes this host's
 * allowlist (domxml_check.h) and an admission for the VM, taken by the
 * source's AdmissionQuery, is there to claim.  Every decision is audited. */
#ifndef ROAMD_HOOK_SERVER_H
#define ROAMD_HOOK_SERVER_H

#include <stddef.h>

#include "daemon.h"
#include "hook_msg.h"

/* Accept one connection on d->hook_fd and answer it in a thread of its own
 * (counted in d->sessions, so that shutdown waits for it). */
void roamd_hook_accept(struct roamd *d);

/* Answer the hook on the connected fd (closes it). */
void roamd_hook_serve(struct roamd *d, int fd);

/* The decision: 0 allow, or -1 with why (one line).  Audited. */
int roamd_hook_decide(struct roamd *d, const struct roamd_hook_req *q, char *why,
                      size_t whylen);

#endif
