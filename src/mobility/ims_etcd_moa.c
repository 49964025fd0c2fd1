/* The etcd backend's index of mobile addresses (see ims_etcd_moa.h). */
#include "ims_etcd_moa.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "ims_etcd_json.h"
#include "ims_etcd_rec.h"

#define B64_LEN(n) (4 * (((n) + 2) / 3) + 1)

static void add(char *buf, size_t cap, size_t *len, int *full, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void add(char *buf, size_t cap, size_t *len, int *full, const char *fmt, ...)
{
    if (*full)
        return;
    size_t at = *len + (*len > 0);
    if (at >= cap) {
        *full = 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + at, cap - at, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - at) {
        *full = 1;
        return;
    }
    if (*len > 0)
        buf[*len] = ',';
    *len = at + (size_t)n;
}

void etcd_txn_cmp_mod(etcd_txn *t, const char *key_b64, uint64_t mod)
{
    if (mod)
        add(t->cmp, sizeof t->cmp, &t->cmplen, &t->full,
            "{\"key\":\"%s\",\"result\":\"EQUAL\",\"target\":\"MOD\",\"mod_revision\":\"%llu\"}",
            key_b64, (unsigned long long)mod);
    else
        add(t->cmp, sizeof t->cmp, &t->cmplen, &t->full,
            "{\"key\":\"%s\",\"result\":\"EQUAL\",\"target\":\"VERSION\",\"version\":\"0\"}",
            key_b64);
}

void etcd_txn_put(etcd_txn *t, const char *key_b64, const uint8_t *val, size_t len)
{
    char v[B64_LEN(IMS_REC_MAX)];
    if (len > IMS_REC_MAX || etcd_b64_encode(val, len, v, sizeof v) < 0) {
        t->full = 1;
        return;
    }
    add(t->ops, sizeof t->ops, &t->opslen, &t->full,
        "{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\"}}", key_b64, v);
}

void etcd_txn_del(etcd_txn *t, const char *key_b64)
{
    add(t->ops, sizeof t->ops, &t->opslen, &t->full,
        "{\"request_delete_range\":{\"key\":\"%s\"}}", key_b64);
}

static void moa_key_b64(const char *prefix, const uint8_t moa[IMS_ADDR_LEN],
                        char out[B64_LEN(IMS_KEY_MAX)])
{
    char k[IMS_KEY_MAX + 1];
    int n = snprintf(k, sizeof k, "%.*smoa/", IMS_PREFIX_MAX, prefix);
    for (size_t i = 0; i < IMS_ADDR_LEN; i++)
        n += snprintf(k + n, 3, "%02x", moa[i]);
    etcd_b64_encode((const uint8_t *)k, (size_t)n, out, B64_LEN(IMS_KEY_MAX));
}

/* One key's value (at most cap bytes) and mod_revision; *mod 0: absent. */
static int read_key(etcd_http *h, const char *key_b64, uint8_t *val, size_t cap, size_t *len,
                    uint64_t *mod, char *err, size_t errlen)
{
    char body[B64_LEN(IMS_KEY_MAX) + 32];
    snprintf(body, sizeof body, "{\"key\":\"%s\"}", key_b64);
    json_object *o = etcd_http_call(h, "/v3/kv/range", body, err, errlen);
    if (!o)
        return -1;
    json_object *kvs;
    size_t n;
    int rc = 0;
    *mod = 0;
    *len = 0;
    if (etcd_json_array(o, "kvs", &kvs, &n) < 0 || n > 1) {
        rc = roam_errf(err, errlen, "etcd answered a lookup with a malformed key list");
    } else if (n == 1) {
        json_object *kv = json_object_array_get_idx(kvs, 0);
        long vl = json_object_is_type(kv, json_type_object)
                      ? etcd_json_b64(kv, "value", val, cap) : -1;
        if (vl < 0 || etcd_json_u64(kv, "mod_revision", mod) < 0 || *mod == 0)
            rc = roam_errf(err, errlen, "etcd answered with a malformed key-value pair");
        else
            *len = (size_t)vl;
    }
    json_object_put(o);
    return rc;
}

static int holds(const ims_mapping *m, const uint8_t moa[IMS_ADDR_LEN])
{
    for (size_t i = 0; i < m->n; i++)
        if (memcmp(m->b[i].moa, moa, IMS_ADDR_LEN) == 0)
            return 1;
    return 0;
}

/* The index key of a MoA m binds names owner, another HoA: 2 if owner
 * still holds the MoA, else 0 with owner's record compared (so that it
 * cannot take the MoA back unseen before this transaction commits). */
static int check_owner(etcd_http *h, const char *prefix, const uint8_t owner[IMS_ADDR_LEN],
                       const uint8_t moa[IMS_ADDR_LEN], etcd_txn *t, char *err, size_t errlen)
{
    char k[IMS_KEY_MAX + 1], kb[B64_LEN(IMS_KEY_MAX)];
    size_t kl = ims_rec_key(prefix, owner, k);
    etcd_b64_encode((const uint8_t *)k, kl, kb, sizeof kb);
    uint8_t raw[IMS_REC_MAX];
    size_t len;
    uint64_t mod;
    if (read_key(h, kb, raw, sizeof raw, &len, &mod, err, errlen) < 0)
        return -1;
    if (mod) {
        ims_mapping om;
        if (ims_rec_decode(raw, len, owner, &om, NULL, err, errlen) < 0)
            return -1;
        if (holds(&om, moa)) {
            char a[46];
            roam_errf(err, errlen, "mobile address %s is bound to another home address",
                      ims_addr_str(moa, a, sizeof a));
            return 2;
        }
    }
    etcd_txn_cmp_mod(t, kb, mod);
    return 0;
}

int ims_moa_plan(etcd_http *h, const char *prefix, const ims_mapping *old, const ims_mapping *m,
                 etcd_txn *t, char *err, size_t errlen)
{
    /* The MoAs m binds (claimed), then those only old binds (released). */
    const uint8_t *moas[2 * IMS_MAX_BINDINGS];
    size_t n = 0, claimed;
    for (size_t i = 0; i < m->n && i < IMS_MAX_BINDINGS; i++)
        moas[n++] = m->b[i].moa;
    claimed = n;
    for (size_t i = 0; i < old->n && i < IMS_MAX_BINDINGS; i++)
        if (!holds(m, old->b[i].moa))
            moas[n++] = old->b[i].moa;
    for (size_t i = 0; i < n; i++) {
        char kb[B64_LEN(IMS_KEY_MAX)];
        moa_key_b64(prefix, moas[i], kb);
        uint8_t owner[IMS_ADDR_LEN + 1];
        size_t len;
        uint64_t mod;
        if (read_key(h, kb, owner, sizeof owner, &len, &mod, err, errlen) < 0)
            return -1;
        if (mod && len != IMS_ADDR_LEN)
            return roam_errf(err, errlen, "etcd holds a malformed mobile address index entry");
        int ours = mod && memcmp(owner, m->hoa, IMS_ADDR_LEN) == 0;
        if (i >= claimed) {
            /* Released: drop the entry if it is ours (anything else is
             * not this HoA's to touch). */
            if (ours) {
                etcd_txn_cmp_mod(t, kb, mod);
                etcd_txn_del(t, kb);
            }
            continue;
        }
        if (mod && !ours) {
            int rc = check_owner(h, prefix, owner, moas[i], t, err, errlen);
            if (rc != 0)
                return rc;
        }
        etcd_txn_cmp_mod(t, kb, mod);
        if (!ours)
            etcd_txn_put(t, kb, m->hoa, IMS_ADDR_LEN);
    }
    if (t->full)
        return roam_errf(err, errlen, "etcd transaction for the mobile addresses too large");
    return 0;
}
