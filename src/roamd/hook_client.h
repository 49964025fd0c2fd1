/* roam-hook's logic, run by libvirtd as /etc/libvirt/hooks/qemu NAME OP
 * SUBOP EXTRA: for a migration arriving here it sends the VM's name and the
 * domain XML (its stdin) to roamd's hook socket and relays the answer; it
 * fails closed (roamd absent, slow, or the XML too big) within a bounded
 * time, because libvirtd waits for a hook without limit. */
#ifndef ROAMD_HOOK_CLIENT_H
#define ROAMD_HOOK_CLIENT_H

#include <stddef.h>

#define ROAMD_HOOK_SOCKET "/run/roam/hook.sock"
#define ROAMD_HOOK_TIMEOUT_MS 10000

/* 1 if libvirt's (op, subop) is an incoming migration ("migrate" "begin"),
 * the only call roamd is asked about; every other call is let through at
 * once, so that local VMs start and stop while roamd is down. */
int roamd_hook_is_incoming(const char *op, const char *subop);

/* Ask roamd at socket_path whether VM name may come in, with the domain XML
 * read from in_fd; all within timeout_ms.  0 allowed, or -1 with why (one
 * line: roamd's reason, or why roamd could not be asked). */
int roamd_hook_ask(const char *socket_path, const char *name, int in_fd, int timeout_ms,
                   char *why, size_t whylen);

#endif
