/* A VM's disks for migration without shared storage: which ones the copy
 * takes (file-backed <disk device='disk'>; CD-ROMs and read-only images stay
 * behind), their sizes, and the destination's domain XML in which each
 * copied disk points at the image the destination prepared for it. */
#ifndef ROAM_VIRT_DISK_H
#define ROAM_VIRT_DISK_H

#include <stddef.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "wire_limits.h"

struct roam_disk {
    char dev[ROAM_DISK_DEV_MAX + 1];          /* <target dev>, e.g. "vda" */
    char format[ROAM_DISK_FORMAT_MAX + 1];    /* <driver type>: "qcow2", "raw" */
    char path[ROAM_DISK_PATH_MAX + 1];        /* <source file> */
    uint64_t capacity, allocation;            /* bytes: virtual size, allocated */
    char cache[16];                           /* <driver cache>, "" if not set */
    /* The image's backing file when it has one (<backingStore>): its path
     * and format; chain_depth counts the backing files below the image
     * (0: none, 1: a base alone, more: a base on a base). */
    char base[ROAM_DISK_PATH_MAX + 1];
    char base_format[ROAM_DISK_FORMAT_MAX + 1];
    int chain_depth;
};

/* The disks of domxml that a migration must carry, at most cap (more is an
 * error), into out[0..*n).  A writable disk that is not a plain file (block
 * device, network) is refused: roam cannot create its target.  Sizes are
 * left 0.  0, or -1 with err. */
int roam_virt_parse_disks(const char *domxml, struct roam_disk *out, size_t cap, size_t *n,
                          char *err, size_t errlen);

/* Same for the running dom, with each disk's sizes from libvirt. */
int roam_virt_disks(virDomainPtr dom, struct roam_disk *out, size_t cap, size_t *n,
                    char *err, size_t errlen);

/* domxml with the <source file> of disk dev[i] replaced by path[i] for each
 * i < n (*xml malloc'd), and its <backingStore> chain dropped: the image
 * at path[i] is the destination's, and the destination's libvirt reads its
 * backing chain (if any) from the image itself, never from paths of the
 * source's host.  Every dev must be a disk of domxml.  0 or -1. */
int roam_virt_map_disks(const char *domxml, const char *const *dev, const char *const *path,
                        size_t n, char **xml, char *err, size_t errlen);

/* The XML the destination needs: dom's migratable XML, mapped as above;
 * persistent = 1 maps its persistent definition instead (else libvirt
 * would define the VM on the destination with the source's paths). */
int roam_virt_dest_xml(virDomainPtr dom, int persistent, const char *const *dev,
                       const char *const *path, size_t n, char **xml, char *err, size_t errlen);

#endif
