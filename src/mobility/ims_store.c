/* The IMS store's interface, dispatching to a backend (see ims_store.h). */
#include "ims_store.h"

#include <stdlib.h>

#include "errbuf.h"
#include "ims_etcd.h"
#include "ims_sqlite.h"
#include "ims_store_remote.h"

struct ims_store {
    const ims_store_ops *ops;
    void *be;
};

static ims_store *wrap(const ims_store_ops *ops, void *be, char *err, size_t errlen)
{
    if (!be)
        return NULL;
    ims_store *s = malloc(sizeof *s);
    if (!s) {
        ops->close(be);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    s->ops = ops;
    s->be = be;
    return s;
}

ims_store *ims_store_open(const char *path, char *err, size_t errlen)
{
    return wrap(&ims_sqlite_ops, ims_sqlite_open(path, 1, err, errlen), err, errlen);
}

ims_store *ims_store_open_existing(const char *path, char *err, size_t errlen)
{
    return wrap(&ims_sqlite_ops, ims_sqlite_open(path, 0, err, errlen), err, errlen);
}

ims_store *ims_store_open_etcd(const ims_etcd_config *cfg, char *err, size_t errlen)
{
    return wrap(&ims_etcd_ops, ims_etcd_open(cfg, err, errlen), err, errlen);
}

ims_store *ims_store_open_remote(int req, int feed, char *err, size_t errlen)
{
    return wrap(&ims_remote_ops, ims_remote_open(req, feed, err, errlen), err, errlen);
}

void ims_store_close(ims_store *s)
{
    if (!s)
        return;
    s->ops->close(s->be);
    free(s);
}

int ims_store_enroll(ims_store *s, const uint8_t hoa[IMS_ADDR_LEN],
                     const uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    if (ims_addr_check(hoa, "home address", err, errlen) < 0)
        return -1;
    return s->ops->enroll(s->be, hoa, pub, err, errlen);
}

int ims_store_revoke(ims_store *s, const uint8_t hoa[IMS_ADDR_LEN], char *err, size_t errlen)
{
    return s->ops->revoke(s->be, hoa, err, errlen);
}

int ims_store_get(ims_store *s, const uint8_t hoa[IMS_ADDR_LEN], ims_mapping *m,
                  uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    return s->ops->get(s->be, hoa, m, pub, err, errlen);
}

int ims_store_update(ims_store *s, ims_mapping *m, uint64_t *current, char *err, size_t errlen)
{
    if (ims_bindings_check(m->b, m->n, err, errlen) < 0)
        return -1;
    return s->ops->update(s->be, m, current, err, errlen);
}

int ims_store_each(ims_store *s, void (*fn)(const ims_mapping *m, void *arg), void *arg,
                   char *err, size_t errlen)
{
    return s->ops->each(s->be, fn, arg, err, errlen);
}

int ims_store_watch_start(ims_store *s, char *err, size_t errlen)
{
    return s->ops->watch_start ? s->ops->watch_start(s->be, err, errlen) : 0;
}

int ims_store_watch_fd(ims_store *s)
{
    return s->ops->watch_fd ? s->ops->watch_fd(s->be) : -1;
}

size_t ims_store_watch_take(ims_store *s, ims_change *out, size_t max, int *resync)
{
    *resync = 0;
    return s->ops->watch_take ? s->ops->watch_take(s->be, out, max, resync) : 0;
}
