/* What this host's libvirt offers an incoming domain: its QEMU binaries
 * (from the capabilities) and the directory of a storage pool.  The hook's
 * allowlist (domxml_check.h) is filled from them. */
#ifndef ROAM_VIRT_HOST_CAPS_H
#define ROAM_VIRT_HOST_CAPS_H

#include <libvirt/libvirt.h>
#include <stddef.h>

#define ROAM_VIRT_EMULATORS_MAX 8
#define ROAM_VIRT_PATH_MAX 1024

/* The distinct <emulator> paths of the capabilities XML caps (at most max).
 * Count found, or -1 with err if caps is not capabilities XML. */
int roam_caps_emulators(const char *caps, char (*out)[ROAM_VIRT_PATH_MAX], size_t max,
                        char *err, size_t errlen);

/* The same, asked of conn. */
int roam_virt_emulators(virConnectPtr conn, char (*out)[ROAM_VIRT_PATH_MAX], size_t max,
                        char *err, size_t errlen);

/* The target path of storage pool `pool` of conn into out.  0, or -1 with
 * err (no such pool, no path: not a directory pool). */
int roam_virt_pool_dir(virConnectPtr conn, const char *pool, char *out, size_t cap, char *err,
                       size_t errlen);

#endif
