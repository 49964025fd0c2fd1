/* The source's part of moving a VM's disks: which disks go and how
 * (copied whole, copied as an overlay whose base the destination holds
 * too, or left on shared storage with `[storage] shared = yes`), the
 * destination's answer mapped into the domain XML it will run, the
 * migration options that copy them, and, after a migration, the source's
 * images deleted or kept (`[storage] remove_source`), all audited. */
#ifndef ROAMD_SOURCE_DISKS_H
#define ROAMD_SOURCE_DISKS_H

#include "json.h"
#include "peer_client.h"
#include "virt_disk.h"
#include "virt_migrate.h"

struct roamd_src_disks {
    struct roam_disk d[ROAM_DISKS_MAX];
    int shared[ROAM_DISKS_MAX];
    size_t n;
    char dest_path[ROAM_DISKS_MAX][ROAM_DISK_PATH_MAX + 1];
    const char *copy[ROAM_DISKS_MAX];    /* devices copied, for libvirt */
    size_t n_copy;
    char *dest_xml, *persist_xml;        /* malloc'd; NULL when nothing is copied */
    const char *source_images;           /* "kept", "removed", "remove failed"; NULL: n/a */
    struct roamd_base_id base[ROAM_DISKS_MAX];  /* size 0: no base named */
    int incremental;                     /* the destination holds every base */
};

/* The disks of dom; shared: this host's storage is shared with its peers.
 * A copied qcow2 on a single base gets that base's identity (hashed once,
 * base_image.h); a base roam cannot identify means a full copy.  0, or -1
 * with err (a disk roam cannot move). */
int roamd_src_disks_read(struct roamd_src_disks *s, virDomainPtr dom, int shared, char *err,
                         size_t errlen);

/* The copy's mode from the destination's answer: 1 incremental (every
 * copied disk an overlay on the destination's base), 0 full (none), -1
 * with err when the answer mixes them or claims an overlay on a base the
 * source did not name (libvirt's flag is per migration). */
int roamd_src_disks_mode(const struct roamd_src_disks *s, const int *incremental, char *err,
                         size_t errlen);

/* Tell the destination, which creates the targets (nothing is sent for a
 * VM without disks).  0, or -1 with the refusal in err. */
int roamd_src_disks_prepare(struct roamd_src_disks *s, roamd_peer *peer, const char *vm,
                            const uint8_t qid[16], char *err, size_t errlen);

/* The destination XML, live and persistent, pointing at the targets: built
 * from dom as it is right before the migration (pre-processing has changed
 * its NICs' links by then).  0 or -1 with err. */
int roamd_src_disks_xml(struct roamd_src_disks *s, virDomainPtr dom, char *err, size_t errlen);

/* Fill the disk options of a migration. */
void roamd_src_disks_opts(const struct roamd_src_disks *s, struct roam_migrate_opts *o);

/* After the VM left: delete the copied disks' images here if remove, else
 * keep them.  Failures are logged (qid names the query). */
void roamd_src_disks_finish(struct roamd_src_disks *s, virConnectPtr conn, int remove,
                            const char *qid);

/* The "disks" member of the source's audit line (nothing without disks). */
void roamd_src_disks_audit(const struct roamd_src_disks *s, struct roam_json *j);

void roamd_src_disks_free(struct roamd_src_disks *s);

#endif
