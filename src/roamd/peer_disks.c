/* Incoming disks on the destination (see peer_disks.h). */
#include "peer_disks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base_image.h"
#include "errbuf.h"
#include "json.h"
#include "log.h"
#include "query_id.h"
#include "virt.h"
#include "virt_storage.h"

#define GIB ((uint64_t)1 << 30)

int roamd_disk_volume_name(const char *vm, const char *dev, const char *format,
                           const uint8_t qid[16], char *out, size_t cap)
{
    char safe[ROAM_NAME_MAX + 1];
    size_t i = 0;
    for (; vm[i] && i < ROAM_NAME_MAX; i++) {
        char c = vm[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || (c == '.' && i > 0);
        safe[i] = ok ? c : '_';
    }
    safe[i] = '\0';
    int n = snprintf(out, cap, "%s-%s-%02x%02x%02x%02x.%s", safe, dev, qid[0], qid[1], qid[2],
                     qid[3], format);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* A device name becomes part of a file name: letters and digits only. */
static int dev_ok(const char *dev)
{
    for (const char *c = dev; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
            return 0;
    return *dev != '\0';
}

static void remove_created(struct peer_session *p, virConnectPtr conn, const char *why)
{
    char err[ROAM_ERR_MAX];
    for (size_t i = 0; i < p->n_disk_created; i++) {
        const char *path = p->disk_created[i];
        if (roam_storage_delete(conn, path, err, sizeof err) < 0) {
            roamd_peer_session_audit(p, "disk-remove", "failed", err, NULL);
            continue;
        }
        char reason[ROAM_ERR_MAX + ROAM_DISK_PATH_MAX];
        snprintf(reason, sizeof reason, "%s: %s", path, why);
        roamd_peer_session_audit(p, "disk-remove", "removed", reason, NULL);
    }
    p->n_disk_created = 0;
}

int roamd_peer_disks_plan(const struct roamd_config *c, const Roam__V1__PrepareDisks *m,
                          char bases[][ROAM_DISK_PATH_MAX + 1])
{
    size_t copied = 0, found = 0;
    for (size_t i = 0; i < m->n_disks; i++) {
        const Roam__V1__DiskSpec *d = m->disks[i];
        bases[i][0] = '\0';
        if (d->shared)
            continue;
        copied++;
        /* Only a qcow2 can be an overlay; a digest of the wrong size names
         * nothing (the wire rules refuse it before this). */
        if (!c->storage_base_dir[0] || d->base_sha256.len != ROAM_DISK_DIGEST_LEN ||
            strcmp(d->format, "qcow2") != 0)
            continue;
        struct roamd_base_id want = { .size = d->base_size };
        char err[ROAM_ERR_MAX];
        memcpy(want.sha256, d->base_sha256.data, sizeof want.sha256);
        snprintf(want.format, sizeof want.format, "%s", d->base_format);
        int r = roamd_base_find(c->storage_base_dir, &want, bases[i], ROAM_DISK_PATH_MAX + 1,
                                err, sizeof err);
        if (r < 0)
            roam_log("disks: %s", err);
        found += r == 1;
    }
    /* libvirt's flag covers every disk of the migration: all or nothing. */
    int inc = copied > 0 && found == copied;
    if (!inc)
        for (size_t i = 0; i < m->n_disks; i++)
            bases[i][0] = '\0';
    return inc;
}

/* Every check before anything is created: 0, or -1 with why. */
static int check_disks(struct peer_session *p, virConnectPtr conn,
                       const Roam__V1__PrepareDisks *m, int inc, char *why, size_t cap)
{
    const struct roamd_config *c = &p->d->cfg;
    uint64_t need = 0;
    for (size_t i = 0; i < m->n_disks; i++) {
        const Roam__V1__DiskSpec *d = m->disks[i];
        if (!dev_ok(d->dev))
            return roam_errf(why, cap, "disk device name '%s' is not [a-z0-9]+", d->dev);
        if (strcmp(d->format, "qcow2") != 0 && strcmp(d->format, "raw") != 0)
            return roam_errf(why, cap, "disk %s: format '%s' (qcow2 or raw)", d->dev, d->format);
        if (!c->storage_pool[0])
            return roam_errf(why, cap, "this host takes no VM disks (no [storage] pool)");
        if (d->capacity > (uint64_t)c->max_disk_gib * GIB)
            return roam_errf(why, cap, "disk %s is %llu bytes, over this host's limit of %d GiB",
                             d->dev, (unsigned long long)d->capacity, c->max_disk_gib);
        if (d->shared) {
            uint64_t have = 0;
            char err[ROAM_ERR_MAX];
            if (!c->storage_shared)
                return roam_errf(why, cap, "disk %s is on shared storage, which this host does "
                                 "not share ([storage] shared = no)", d->dev);
            if (roam_storage_capacity(conn, c->storage_pool, d->path, &have, err,
                                      sizeof err) < 0)
                return roam_errf(why, cap, "shared disk %s: %s", d->dev, err);
            if (have != d->capacity)
                return roam_errf(why, cap, "shared disk %s is %llu bytes here, %llu at the "
                                 "source", d->dev, (unsigned long long)have,
                                 (unsigned long long)d->capacity);
            continue;
        }
        if (d->base_size > (uint64_t)c->max_disk_gib * GIB)
            return roam_errf(why, cap, "disk %s: its base is %llu bytes, over this host's "
                             "limit of %d GiB", d->dev, (unsigned long long)d->base_size,
                             c->max_disk_gib);
        /* A full copy of an overlay brings its base's data along. */
        need += d->allocation + (inc ? 0 : d->base_size);
    }
    if (need) {
        uint64_t avail = 0;
        char err[ROAM_ERR_MAX];
        if (roam_storage_available(conn, c->storage_pool, &avail, err, sizeof err) < 0)
            return roam_errf(why, cap, "%s", err);
        if (need > avail)
            return roam_errf(why, cap, "storage pool %s has %llu bytes free, the disks need "
                             "%llu", c->storage_pool, (unsigned long long)avail,
                             (unsigned long long)need);
    }
    return 0;
}

/* Create what check_disks allowed; the paths go to targets. */
static int create_disks(struct peer_session *p, virConnectPtr conn,
                        const Roam__V1__PrepareDisks *m, char bases[][ROAM_DISK_PATH_MAX + 1],
                        char paths[][ROAM_DISK_PATH_MAX + 1], char *why, size_t cap)
{
    for (size_t i = 0; i < m->n_disks; i++) {
        const Roam__V1__DiskSpec *d = m->disks[i];
        if (d->shared) {
            snprintf(paths[i], ROAM_DISK_PATH_MAX + 1, "%s", d->path);
            continue;
        }
        char name[ROAM_NAME_MAX + 64], err[ROAM_ERR_MAX];
        if (roamd_disk_volume_name(p->vm, d->dev, d->format, p->qid, name, sizeof name) < 0)
            return roam_errf(why, cap, "disk %s: volume name too long", d->dev);
        int r = bases[i][0]
            ? roam_storage_create_overlay(conn, p->d->cfg.storage_pool, name, d->capacity,
                                          bases[i], d->base_format, paths[i],
                                          ROAM_DISK_PATH_MAX + 1, err, sizeof err)
            : roam_storage_create(conn, p->d->cfg.storage_pool, name, d->format, d->capacity,
                                  paths[i], ROAM_DISK_PATH_MAX + 1, err, sizeof err);
        if (r < 0)
            return roam_errf(why, cap, "disk %s: %s", d->dev, err);
        snprintf(p->disk_created[p->n_disk_created++], ROAM_DISK_PATH_MAX + 1, "%s", paths[i]);
    }
    return 0;
}

static void audit_ready(struct peer_session *p, const Roam__V1__PrepareDisks *m,
                        char paths[][ROAM_DISK_PATH_MAX + 1],
                        char bases[][ROAM_DISK_PATH_MAX + 1])
{
    char buf[ROAMD_AUDIT_LINE_MAX], err[ROAM_ERR_MAX], qid[ROAMD_QID_LEN];
    struct roam_json j;
    roamd_audit_begin(&j, buf, sizeof buf, "disks");
    roam_json_str(&j, "peer", p->addr);
    roam_json_str(&j, "vm", p->vm);
    roam_json_hex(&j, "query_id", p->qid, 16);
    roam_json_str(&j, "outcome", "ready");
    roam_json_obj_begin(&j, "disks");   /* by device: checked [a-z0-9]+ */
    for (size_t i = 0; i < m->n_disks; i++) {
        roam_json_obj_begin(&j, m->disks[i]->dev);
        roam_json_str(&j, "path", paths[i]);
        roam_json_u64(&j, "capacity", m->disks[i]->capacity);
        roam_json_bool(&j, "shared", m->disks[i]->shared);
        if (bases[i][0])
            roam_json_str(&j, "base", bases[i]);
        else if (m->disks[i]->base_sha256.len && !m->disks[i]->shared)
            roam_json_str(&j, "base", "none matching here: full copy");
        roam_json_obj_end(&j);
    }
    roam_json_obj_end(&j);
    if (roamd_audit_commit(p->d->audit, &j, err, sizeof err) < 0)
        roam_log("query %s: AUDIT FAILURE: %s", roamd_qid(qid, p->qid, 16), err);
}

int roamd_peer_prepare_disks(struct peer_session *p, const Roam__V1__PrepareDisks *m)
{
    char why[ROAM_MESSAGE_MAX];
    char (*tp)[ROAM_DISK_PATH_MAX + 1] = calloc(ROAM_DISKS_MAX, sizeof *tp);
    char (*bases)[ROAM_DISK_PATH_MAX + 1] = calloc(ROAM_DISKS_MAX, sizeof *bases);
    int ok = 0, inc = 0;
    virConnectPtr conn = NULL;
    if (!tp || !bases)
        snprintf(why, sizeof why, "out of memory");
    else if (!roamd_peer_session_same_query(p, m->vm, &m->query_id))
        snprintf(why, sizeof why, "disks for a query that was not admitted on this connection");
    else if (m->n_disks == 0)
        ok = 1;
    else if (!(conn = roamd_virt(p->d, why, sizeof why)))
        ;
    else if ((inc = roamd_peer_disks_plan(&p->d->cfg, m, bases)) < 0 ||
             check_disks(p, conn, m, inc, why, sizeof why) < 0)
        ;
    else if (create_disks(p, conn, m, bases, tp, why, sizeof why) == 0)
        ok = 1;
    if (!ok && conn)
        remove_created(p, conn, "refused before the copy");
    if (conn)
        virConnectClose(conn);
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    Roam__V1__DisksReady r = ROAM__V1__DISKS_READY__INIT;
    Roam__V1__DiskTarget t[ROAM_DISKS_MAX], *tv[ROAM_DISKS_MAX];
    r.ok = ok;
    if (ok) {
        for (size_t i = 0; i < m->n_disks; i++) {
            roam__v1__disk_target__init(&t[i]);
            t[i].dev = m->disks[i]->dev;
            t[i].path = tp[i];
            t[i].incremental = bases[i][0] != '\0';
            const char *slash = strrchr(bases[i], '/');
            t[i].base_name = slash ? (char *)slash + 1 : bases[i];
            tv[i] = &t[i];
        }
        r.targets = tv;
        r.n_targets = m->n_disks;
        if (m->n_disks)
            audit_ready(p, m, tp, bases);
    } else {
        e.phase = ROAM__V1__PHASE__PHASE_ADMISSION;
        e.message = why;
        r.error = &e;
        roamd_peer_session_audit(p, "disks", "refused", why, NULL);
    }
    roam_envelope env = ROAM__V1__ENVELOPE__INIT;
    env.body_case = ROAM__V1__ENVELOPE__BODY_DISKS_READY;
    env.disks_ready = &r;
    roamd_peer_session_send(p, &env);
    free(tp);
    free(bases);
    return ok ? 0 : -1;
}

void roamd_peer_disks_cleanup(struct peer_session *p)
{
    if (!p->n_disk_created)
        return;
    char err[ROAM_ERR_MAX];
    virConnectPtr conn = roamd_virt(p->d, err, sizeof err);
    if (!conn) {
        roamd_peer_session_audit(p, "disk-remove", "failed", err, NULL);
        return;
    }
    /* Running, or still arriving (paused, incoming): the images are its
     * disks now.  Only a VM that is not here lets them go. */
    virDomainPtr dom = virDomainLookupByName(conn, p->vm);
    int here = dom && virDomainIsActive(dom) == 1;
    if (dom)
        virDomainFree(dom);
    if (here)
        p->n_disk_created = 0;
    else
        remove_created(p, conn, "the migration did not complete");
    virConnectClose(conn);
}
