/* The destination's storage pool: room for incoming disks, an empty image
 * per disk before the copy starts, and its removal when the migration
 * fails.  libvirt's storage API does the work rather than qemu-img: the
 * pool is how the provider accounts its storage, libvirt knows its path
 * and free space, refreshes it, and creates a qcow2 with allocation 0 as a
 * sparse image (the copy then writes only what the source had allocated). */
#ifndef ROAM_VIRT_STORAGE_H
#define ROAM_VIRT_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

/* Bytes free in pool (after a refresh).  0 or -1 with err. */
int roam_storage_available(virConnectPtr conn, const char *pool, uint64_t *avail,
                           char *err, size_t errlen);

/* Create volume `name` (format "qcow2" or "raw", capacity bytes, nothing
 * allocated) in pool; its path goes to path (cap bytes).  An existing
 * volume of that name is an error, never reused.  0 or -1 with err. */
int roam_storage_create(virConnectPtr conn, const char *pool, const char *name,
                        const char *format, uint64_t capacity, char *path, size_t cap,
                        char *err, size_t errlen);

/* Same, a qcow2 overlay on the image at base (format base_format, "raw"
 * or "qcow2"): the overlay's header names base, which holds every block
 * the overlay does not.  The caller vouches for base. */
int roam_storage_create_overlay(virConnectPtr conn, const char *pool, const char *name,
                                uint64_t capacity, const char *base, const char *base_format,
                                char *path, size_t cap, char *err, size_t errlen);

/* Delete the volume at path (any pool).  0 or -1 with err. */
int roam_storage_delete(virConnectPtr conn, const char *path, char *err, size_t errlen);

/* The capacity of the volume at path, which must belong to pool: how the
 * destination checks a disk on shared storage.  0 or -1 with err. */
int roam_storage_capacity(virConnectPtr conn, const char *pool, const char *path,
                          uint64_t *capacity, char *err, size_t errlen);

/* The volume XML roam_storage_create hands libvirt (exposed for tests);
 * name and format are taken as given (the caller has checked them).
 * 0, or -1 if it does not fit in cap. */
int roam_storage_vol_xml(const char *name, const char *format, uint64_t capacity, char *out,
                         size_t cap);

/* Same with a backing store (base, base_format) when base is not NULL;
 * base is XML-escaped.  0, or -1 if it does not fit in cap. */
int roam_storage_vol_xml_backed(const char *name, const char *format, uint64_t capacity,
                                const char *base, const char *base_format, char *out,
                                size_t cap);

#endif
