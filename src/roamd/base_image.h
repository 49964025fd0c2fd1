/* Base images a VM's disk may be an overlay on, identified by content: the
 * source names its disk's base by SHA-256, size and format, and the
 * destination looks for a base of its own with that identity in
 * `[storage] base_dir`, hashing its own files itself (never taking the
 * source's word).  Digests are cached in memory by (device, inode, mtime,
 * size), so an image is hashed once until it changes. */
#ifndef ROAMD_BASE_IMAGE_H
#define ROAMD_BASE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "wire_limits.h"

struct roamd_base_id {
    uint8_t sha256[ROAM_DISK_DIGEST_LEN];
    uint64_t size;       /* bytes of the file */
    char format[8];      /* "qcow2" (by its header) or "raw" */
};

/* Identify the image at path: a regular file (nofollow: not a symlink
 * either), its format by its header, its digest.  A qcow2 that has a
 * backing file of its own is refused: a base stands alone.  0, or -1 with
 * err. */
int roamd_base_identify(const char *path, int nofollow, struct roamd_base_id *id, char *err,
                        size_t errlen);

/* Look in dir (regular files directly in it, at most ROAMD_BASE_SCAN_MAX
 * entries, symlinks ignored) for an image of identity want; its path into
 * path (cap bytes).  1 found, 0 none, -1 with err (dir unreadable). */
#define ROAMD_BASE_SCAN_MAX 256
int roamd_base_find(const char *dir, const struct roamd_base_id *want, char *path, size_t cap,
                    char *err, size_t errlen);

/* Hash every file of dir (as roamd_base_find would look at them) in a
 * background thread, so that the first PrepareDisks naming a base finds
 * its digest ready rather than reading the whole base within the source's
 * I/O timeout.  Nothing for an empty dir; failures are logged. */
void roamd_base_warm(const char *dir);

/* The digests computed so far (for tests: a second identify of an
 * unchanged file computes nothing). */
unsigned long roamd_base_hash_count(void);

#endif
