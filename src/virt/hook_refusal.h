/* A migration the destination's qemu hook refused fails at the source with
 * libvirt's whole hook command line in the message; what the user needs is
 * the hook's own one-line reason, which this finds. */
#ifndef ROAM_VIRT_HOOK_REFUSAL_H
#define ROAM_VIRT_HOOK_REFUSAL_H

#include <stddef.h>

/* If the libvirt error message msg says the qemu hook refused, copy the
 * hook's reason into out (cap bytes, cut to fit) and return 1; else 0. */
int roam_virt_hook_refusal(const char *msg, char *out, size_t cap);

/* Like roam_virt_errf (virt.h) for a failed migration of vm to uri, with a
 * hook refusal told as "refused by the destination: REASON". */
int roam_virt_migrate_errf(char *err, size_t errlen, const char *vm, const char *uri);

#endif
