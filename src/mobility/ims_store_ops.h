/* What an IMS storage backend provides (SQLite: ims_sqlite.h, etcd:
 * ims_etcd.h); ims_store.c dispatches to it.  Every function has the
 * meaning of its ims_store_* counterpart in ims_store.h; be is what the
 * backend's open returned. */
#ifndef ROAM_MOBILITY_IMS_STORE_OPS_H
#define ROAM_MOBILITY_IMS_STORE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "ims_types.h"

typedef struct ims_store_ops {
    void (*close)(void *be);
    int (*enroll)(void *be, const uint8_t hoa[IMS_ADDR_LEN], const uint8_t pub[IMS_PUBKEY_LEN],
                  char *err, size_t errlen);
    int (*revoke)(void *be, const uint8_t hoa[IMS_ADDR_LEN], char *err, size_t errlen);
    int (*get)(void *be, const uint8_t hoa[IMS_ADDR_LEN], ims_mapping *m,
               uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen);
    int (*update)(void *be, ims_mapping *m, uint64_t *current, char *err, size_t errlen);
    int (*each)(void *be, void (*fn)(const ims_mapping *m, void *arg), void *arg, char *err,
                size_t errlen);
    /* The change feed; NULL where this process is the only writer that
     * matters (SQLite: one server per database). */
    int (*watch_start)(void *be, char *err, size_t errlen);
    int (*watch_fd)(void *be);
    size_t (*watch_take)(void *be, ims_change *out, size_t max, int *resync);
} ims_store_ops;

#endif
