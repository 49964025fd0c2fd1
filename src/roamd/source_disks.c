/* Moving a VM's disks, the source's side (see source_disks.h). */
#include "source_disks.h"

#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "log.h"
#include "virt_storage.h"

/* The identity of d's base, if d is a qcow2 on one base roam can read. */
static void name_base(const struct roam_disk *d, struct roamd_base_id *id)
{
    char err[ROAM_ERR_MAX];
    memset(id, 0, sizeof *id);
    if (d->chain_depth != 1 || strcmp(d->format, "qcow2") != 0)
        return;
    if (roamd_base_identify(d->base, 0, id, err, sizeof err) < 0) {
        roam_log("disk %s: %s: it will be copied whole", d->dev, err);
        memset(id, 0, sizeof *id);
    } else if (d->base_format[0] && strcmp(d->base_format, id->format) != 0) {
        roam_log("disk %s: base %s is %s to libvirt but %s by its header: it will be copied "
                 "whole", d->dev, d->base, d->base_format, id->format);
        memset(id, 0, sizeof *id);
    }
}

int roamd_src_disks_read(struct roamd_src_disks *s, virDomainPtr dom, int shared, char *err,
                         size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (roam_virt_disks(dom, s->d, ROAM_DISKS_MAX, &s->n, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        s->shared[i] = shared;
        if (!shared) {
            s->copy[s->n_copy++] = s->d[i].dev;
            name_base(&s->d[i], &s->base[i]);
        }
        /* libvirt's own rule for shared disks, which roam takes over from
         * it (see roam_migrate_opts.shared_storage): no host page cache, or
         * the destination could read stale blocks. */
        else if (strcmp(s->d[i].cache, "none") != 0 && strcmp(s->d[i].cache, "directsync") != 0)
            return roam_errf(err, errlen, "disk %s is on shared storage with cache '%s': it "
                             "needs cache='none' or 'directsync' to migrate safely",
                             s->d[i].dev, s->d[i].cache[0] ? s->d[i].cache : "default");
    }
    return 0;
}

int roamd_src_disks_mode(const struct roamd_src_disks *s, const int *incremental, char *err,
                         size_t errlen)
{
    size_t inc = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!incremental[i])
            continue;
        if (s->shared[i] || !s->base[i].size)
            return roam_errf(err, errlen, "destination answered an overlay for disk %s, which "
                             "names no base", s->d[i].dev);
        inc++;
    }
    if (inc && inc != s->n_copy)
        return roam_errf(err, errlen, "destination answered an overlay for %zu of %zu copied "
                         "disks (all or none)", inc, s->n_copy);
    return inc > 0;
}

int roamd_src_disks_prepare(struct roamd_src_disks *s, roamd_peer *peer, const char *vm,
                            const uint8_t qid[16], char *err, size_t errlen)
{
    if (!s->n)
        return 0;   /* no disk: the conversation goes on as it always did */
    int inc[ROAM_DISKS_MAX] = { 0 };
    if (roamd_peer_disks(peer, vm, qid, s->d, s->shared, s->base, s->n, s->dest_path, inc, err,
                         errlen) < 0)
        return -1;
    int mode = roamd_src_disks_mode(s, inc, err, errlen);
    if (mode < 0)
        return -1;
    s->incremental = mode;
    return 0;
}

int roamd_src_disks_xml(struct roamd_src_disks *s, virDomainPtr dom, char *err, size_t errlen)
{
    if (!s->n_copy)
        return 0;   /* shared or none: the destination sees the same paths */
    const char *dev[ROAM_DISKS_MAX], *path[ROAM_DISKS_MAX];
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!s->shared[i]) {
            dev[k] = s->d[i].dev;
            path[k++] = s->dest_path[i];
        }
    if (roam_virt_dest_xml(dom, 0, dev, path, k, &s->dest_xml, err, errlen) < 0)
        return -1;
    /* A transient VM has no persistent definition to map. */
    if (virDomainIsPersistent(dom) == 1 &&
        roam_virt_dest_xml(dom, 1, dev, path, k, &s->persist_xml, err, errlen) < 0)
        return -1;
    return 0;
}

void roamd_src_disks_opts(const struct roamd_src_disks *s, struct roam_migrate_opts *o)
{
    o->copy_disks = s->n_copy ? s->copy : NULL;
    o->n_copy_disks = s->n_copy;
    o->dest_xml = s->dest_xml;
    o->persist_xml = s->persist_xml;
    o->shared_storage = s->n > 0 && !s->n_copy;
    o->incremental_disks = s->n_copy && s->incremental;
}

void roamd_src_disks_finish(struct roamd_src_disks *s, virConnectPtr conn, int remove,
                            const char *qid)
{
    if (!s->n_copy)
        return;
    s->source_images = "kept";
    if (!remove)
        return;
    s->source_images = "removed";
    for (size_t i = 0; i < s->n; i++) {
        char err[ROAM_ERR_MAX];
        if (s->shared[i])
            continue;
        if (!conn || roam_storage_delete(conn, s->d[i].path, err, sizeof err) < 0) {
            roam_log("query %s: source image %s not removed: %s", qid, s->d[i].path,
                     conn ? err : "no libvirt connection");
            s->source_images = "remove failed";
        }
    }
}

void roamd_src_disks_audit(const struct roamd_src_disks *s, struct roam_json *j)
{
    if (!s->n)
        return;
    roam_json_obj_begin(j, "disks");
    for (size_t i = 0; i < s->n; i++) {
        roam_json_obj_begin(j, s->d[i].dev);
        roam_json_str(j, "path", s->d[i].path);
        if (s->dest_path[i][0])
            roam_json_str(j, "dest_path", s->dest_path[i]);
        roam_json_u64(j, "capacity", s->d[i].capacity);
        roam_json_u64(j, "allocation", s->d[i].allocation);
        roam_json_str(j, "mode", s->shared[i] ? "shared" : s->incremental ? "incremental"
                                                                         : "copied");
        if (s->base[i].size)
            roam_json_str(j, "base", s->d[i].base);
        roam_json_obj_end(j);
    }
    roam_json_obj_end(j);
    if (s->source_images)
        roam_json_str(j, "source_images", s->source_images);
}

void roamd_src_disks_free(struct roamd_src_disks *s)
{
    free(s->dest_xml);
    free(s->persist_xml);
    s->dest_xml = s->persist_xml = NULL;
}
