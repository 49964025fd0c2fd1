/* Incoming disks on the destination: PrepareDisks checks the storage pool
 * (`[storage] pool`, `max_disk_gib`, free space) and creates one empty
 * image per copied disk before any byte is copied, answering where each
 * lives (DisksReady); when the conversation ends with the VM not running
 * here, what was created is removed, so a failed migration leaves nothing
 * behind.  Disks on shared storage (`[storage] shared = yes` on both
 * hosts) are only checked: the image must be a volume of the pool with the
 * same virtual size.  A qcow2 overlay whose base this host also holds in
 * `[storage] base_dir` arrives as an overlay on that local base, and only
 * the overlay's data crosses. */
#ifndef ROAMD_PEER_DISKS_H
#define ROAMD_PEER_DISKS_H

#include "peer_session.h"
#include "roamd_config.h"

/* Answer m with DisksReady.  0 ready, -1 refused (the conversation ends). */
int roamd_peer_prepare_disks(struct peer_session *p, const Roam__V1__PrepareDisks *m);

/* Whether the copied disks of m go incrementally: each names a base (by
 * digest, size, format), is a qcow2, and `[storage] base_dir` holds a file
 * of that identity (hashed here, see base_image.h).  1: every copied disk
 * does, each one's base path in bases[i]; 0: a full copy, every bases[i]
 * empty (libvirt's flag is per migration, not per disk). */
int roamd_peer_disks_plan(const struct roamd_config *c, const Roam__V1__PrepareDisks *m,
                          char bases[][ROAM_DISK_PATH_MAX + 1]);

/* At the end of the conversation: remove the volumes created here unless
 * the VM is running (or arriving) here.  Audited. */
void roamd_peer_disks_cleanup(struct peer_session *p);

/* The volume name for disk dev of VM vm and query qid: "VM-DEV-QID8.FMT",
 * with any character of vm outside [A-Za-z0-9_.-] replaced by '_'.  Unique
 * per query, so that a VM coming back finds its old image (kept by
 * remove_source = no) without a clash.  0, or -1 if it does not fit. */
int roamd_disk_volume_name(const char *vm, const char *dev, const char *format,
                           const uint8_t qid[16], char *out, size_t cap);

#endif
