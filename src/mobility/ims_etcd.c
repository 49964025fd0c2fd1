/* The IMS store on etcd (see ims_etcd.h). */
#include "ims_etcd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errbuf.h"
#include "ims_etcd_json.h"
#include "ims_etcd_moa.h"
#include "ims_etcd_rec.h"
#include "ims_etcd_watch.h"

/* Compare-and-put rounds lost to other writers before giving up. */
#define CAS_TRIES 8
/* HoAs per page of `list`. */
#define PAGE 256

#define B64_LEN(n) (4 * (((n) + 2) / 3) + 1)

/* One HoA as read: found, its mod_revision and raw value. */
typedef struct kv_state {
    int found;
    uint64_t mod;
    uint8_t raw[IMS_REC_MAX];
    size_t rawlen;
    ims_mapping m;
    uint8_t pub[IMS_PUBKEY_LEN];
} kv_state;

typedef struct ims_etcd {
    etcd_http *http;
    /* The HoA the last lookup found: the server looks a HoA up (for its
     * key) right before it updates it, so the update's first compare-and-
     * put can start from that read instead of a second one.  Only a
     * starting point: the compare on mod_revision still decides. */
    kv_state last;
    int have_last;
    etcd_watch *watch;
    ims_etcd_config cfg;          /* strings point into the copies below */
    char *endpoints, *ca, *cert, *key;
    char prefix[IMS_PREFIX_MAX + 1];
} ims_etcd;

static int64_t unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void key_b64(const ims_etcd *e, const uint8_t hoa[IMS_ADDR_LEN],
                    char out[B64_LEN(IMS_KEY_MAX)])
{
    char k[IMS_KEY_MAX + 1];
    size_t n = ims_rec_key(e->prefix, hoa, k);
    etcd_b64_encode((const uint8_t *)k, n, out, B64_LEN(IMS_KEY_MAX));
}

/* The range of every HoA key: PREFIX "hoa/" up to PREFIX "hoa0". */
static void range_b64(const ims_etcd *e, char key[B64_LEN(IMS_KEY_MAX)],
                      char end[B64_LEN(IMS_KEY_MAX)])
{
    char k[IMS_KEY_MAX + 1];
    int n = snprintf(k, sizeof k, "%shoa/", e->prefix);
    etcd_b64_encode((const uint8_t *)k, (size_t)n, key, B64_LEN(IMS_KEY_MAX));
    k[n - 1] = '0';   /* '/' + 1 */
    etcd_b64_encode((const uint8_t *)k, (size_t)n, end, B64_LEN(IMS_KEY_MAX));
}

/* One kv of a range answer into st (its key must be hoa's, if hoa is
 * given; else the HoA is taken from the key).  0 or -1. */
static int parse_kv(const ims_etcd *e, json_object *kv, const uint8_t *hoa, kv_state *st,
                    char *err, size_t errlen)
{
    uint8_t key[IMS_KEY_MAX], h[IMS_ADDR_LEN];
    long kl = etcd_json_b64(kv, "key", key, sizeof key);
    if (kl < 0 || ims_rec_key_hoa(e->prefix, key, (size_t)kl, h) < 0 ||
        (hoa && memcmp(h, hoa, IMS_ADDR_LEN) != 0))
        return roam_errf(err, errlen, "etcd answered with a key that was not asked for");
    long vl = etcd_json_b64(kv, "value", st->raw, sizeof st->raw);
    if (vl < 0 || etcd_json_u64(kv, "mod_revision", &st->mod) < 0 || st->mod == 0)
        return roam_errf(err, errlen, "etcd answered with a malformed key-value pair");
    st->rawlen = (size_t)vl;
    st->found = 1;
    return ims_rec_decode(st->raw, st->rawlen, h, &st->m, st->pub, err, errlen);
}

/* kvs of a range answer: at most one (the one asked for) into st. */
static int parse_single(const ims_etcd *e, json_object *range, const uint8_t hoa[IMS_ADDR_LEN],
                        kv_state *st, char *err, size_t errlen)
{
    json_object *kvs;
    size_t n;
    st->found = 0;
    if (etcd_json_array(range, "kvs", &kvs, &n) < 0 || n > 1)
        return roam_errf(err, errlen, "etcd answered a lookup with a malformed key list");
    if (n == 0)
        return 0;
    json_object *kv = json_object_array_get_idx(kvs, 0);
    if (!json_object_is_type(kv, json_type_object))
        return roam_errf(err, errlen, "etcd answered a lookup with a malformed key list");
    return parse_kv(e, kv, hoa, st, err, errlen);
}

static int kv_read(ims_etcd *e, const uint8_t hoa[IMS_ADDR_LEN], kv_state *st, char *err,
                   size_t errlen)
{
    char k[B64_LEN(IMS_KEY_MAX)], body[B64_LEN(IMS_KEY_MAX) + 32];
    key_b64(e, hoa, k);
    snprintf(body, sizeof body, "{\"key\":\"%s\"}", k);
    json_object *o = etcd_http_call(e->http, "/v3/kv/range", body, err, errlen);
    if (!o)
        return -1;
    int rc = parse_single(e, o, hoa, st, err, errlen);
    json_object_put(o);
    return rc;
}

/* Put raw as hoa's value if the key is unchanged since st was read (its
 * mod_revision, or absent), with more's compares and writes (if non-NULL)
 * in the same transaction.  1 committed, 0 someone else wrote first, -1
 * no answer (it may or may not have been committed: read again). */
static int kv_cas(ims_etcd *e, const uint8_t hoa[IMS_ADDR_LEN], const kv_state *st,
                  const uint8_t *raw, size_t rawlen, etcd_txn *more, char *err, size_t errlen)
{
    char k[B64_LEN(IMS_KEY_MAX)];
    key_b64(e, hoa, k);
    etcd_txn_cmp_mod(more, k, st->found ? st->mod : 0);
    etcd_txn_put(more, k, raw, rawlen);
    if (more->full)
        return roam_errf(err, errlen, "etcd transaction too large");
    size_t cap = more->cmplen + more->opslen + 64;
    char *body = malloc(cap);
    if (!body)
        return roam_errf(err, errlen, "out of memory");
    snprintf(body, cap, "{\"compare\":[%.*s],\"success\":[%.*s]}", (int)more->cmplen,
             more->cmp, (int)more->opslen, more->ops);
    json_object *o = etcd_http_call(e->http, "/v3/kv/txn", body, err, errlen);
    free(body);
    if (!o)
        return -1;
    int ok = etcd_json_bool(o, "succeeded");
    json_object_put(o);
    if (ok < 0)
        return roam_errf(err, errlen, "etcd answered a transaction with a malformed result");
    return ok;
}

static int et_enroll(void *be, const uint8_t hoa[IMS_ADDR_LEN], const uint8_t pub[IMS_PUBKEY_LEN],
                     char *err, size_t errlen)
{
    ims_etcd *e = be;
    for (int i = 0; i < CAS_TRIES; i++) {
        kv_state st;
        if (kv_read(e, hoa, &st, err, errlen) < 0)
            return -1;
        if (st.found && memcmp(st.pub, pub, IMS_PUBKEY_LEN) == 0)
            return 0;   /* already so (also: our earlier attempt went through) */
        ims_mapping m;
        memset(&m, 0, sizeof m);
        if (st.found)
            m = st.m;   /* keep the sequence number and the bindings */
        uint8_t raw[IMS_REC_MAX];
        size_t len = ims_rec_encode(&m, pub, raw);
        etcd_txn *t = calloc(1, sizeof *t);
        if (!t)
            return roam_errf(err, errlen, "out of memory");
        int r = kv_cas(e, hoa, &st, raw, len, t, err, errlen);
        free(t);
        if (r == 1)
            return 0;
    }
    return roam_errf(err, errlen, "etcd: enrollment not confirmed after %d attempts", CAS_TRIES);
}

static int et_revoke(void *be, const uint8_t hoa[IMS_ADDR_LEN], char *err, size_t errlen)
{
    ims_etcd *e = be;
    char k[B64_LEN(IMS_KEY_MAX)], body[B64_LEN(IMS_KEY_MAX) + 32];
    key_b64(e, hoa, k);
    snprintf(body, sizeof body, "{\"key\":\"%s\"}", k);
    json_object *o = etcd_http_call(e->http, "/v3/kv/deleterange", body, err, errlen);
    if (!o)
        return -1;
    uint64_t n;
    int bad = etcd_json_u64(o, "deleted", &n) < 0 || n > 1;
    json_object_put(o);
    if (bad)
        return roam_errf(err, errlen, "etcd answered a deletion with a malformed count");
    return (int)n;
}

static int et_get(void *be, const uint8_t hoa[IMS_ADDR_LEN], ims_mapping *m,
                  uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    ims_etcd *e = be;
    kv_state st;
    e->have_last = 0;
    if (kv_read(e, hoa, &st, err, errlen) < 0)
        return -1;
    if (!st.found)
        return 0;
    e->last = st;
    e->have_last = 1;
    *m = st.m;
    if (pub)
        memcpy(pub, st.pub, IMS_PUBKEY_LEN);
    return 1;
}

static int et_update(void *be, ims_mapping *m, uint64_t *current, char *err, size_t errlen)
{
    ims_etcd *e = be;
    int unsure = 0;     /* a transaction went unanswered: it may have committed */
    int cached = e->have_last && memcmp(e->last.m.hoa, m->hoa, IMS_ADDR_LEN) == 0 &&
                 m->seq > e->last.m.seq;
    e->have_last = 0;
    for (int i = 0; i < CAS_TRIES; i++) {
        kv_state st;
        if (i == 0 && cached)
            st = e->last;
        else if (kv_read(e, m->hoa, &st, err, errlen) < 0)
            return -1;
        if (!st.found)
            return roam_errf(err, errlen, "home address is not enrolled");
        /* The owner signed this sequence number with these bindings only,
         * so a stored copy is this very registration, committed. */
        if (unsure && st.m.seq == m->seq && ims_mapping_same_bindings(&st.m, m)) {
            m->updated_ms = st.m.updated_ms;
            return 0;
        }
        if (m->seq <= st.m.seq) {
            *current = st.m.seq;
            return 1;
        }
        etcd_txn *t = calloc(1, sizeof *t);
        if (!t)
            return roam_errf(err, errlen, "out of memory");
        /* 2: a MoA is another HoA's; refused, nothing written. */
        int r = ims_moa_plan(e->http, e->prefix, &st.m, m, t, err, errlen);
        if (r != 0) {
            free(t);
            return r;
        }
        m->updated_ms = unix_ms();
        uint8_t raw[IMS_REC_MAX];
        size_t len = ims_rec_encode(m, st.pub, raw);
        r = kv_cas(e, m->hoa, &st, raw, len, t, err, errlen);
        free(t);
        if (r == 1)
            return 0;
        unsure |= r < 0;
    }
    return roam_errf(err, errlen, "etcd: update not confirmed after %d attempts", CAS_TRIES);
}

/* Every HoA, a page at a time, all pages at the first page's revision (one
 * consistent snapshot). */
static int et_each(void *be, void (*fn)(const ims_mapping *m, void *arg), void *arg, char *err,
                   size_t errlen)
{
    ims_etcd *e = be;
    char from[B64_LEN(IMS_KEY_MAX + 1)], end[B64_LEN(IMS_KEY_MAX)];
    char body[3 * B64_LEN(IMS_KEY_MAX + 1) + 128];
    range_b64(e, from, end);
    uint64_t rev = 0;
    for (;;) {
        char revs[40] = "";
        if (rev)
            snprintf(revs, sizeof revs, ",\"revision\":\"%llu\"", (unsigned long long)rev);
        snprintf(body, sizeof body, "{\"key\":\"%s\",\"range_end\":\"%s\",\"limit\":\"%d\"%s}",
                 from, end, PAGE, revs);
        json_object *o = etcd_http_call(e->http, "/v3/kv/range", body, err, errlen);
        if (!o)
            return -1;
        json_object *hdr = etcd_json_obj(o, "header"), *kvs;
        size_t n;
        if (!rev && (!hdr || etcd_json_u64(hdr, "revision", &rev) < 0 || rev == 0)) {
            json_object_put(o);
            return roam_errf(err, errlen, "etcd answered a listing without a revision");
        }
        if (etcd_json_array(o, "kvs", &kvs, &n) < 0 || n > PAGE) {
            json_object_put(o);
            return roam_errf(err, errlen, "etcd answered a listing with a malformed key list");
        }
        uint8_t last[IMS_KEY_MAX + 1];
        long lastlen = 0;
        for (size_t i = 0; i < n; i++) {
            json_object *kv = json_object_array_get_idx(kvs, i);
            kv_state st;
            if (!json_object_is_type(kv, json_type_object) ||
                parse_kv(e, kv, NULL, &st, err, errlen) < 0) {
                json_object_put(o);
                return -1;
            }
            fn(&st.m, arg);
            lastlen = etcd_json_b64(kv, "key", last, IMS_KEY_MAX);
        }
        int more = etcd_json_bool(o, "more");
        json_object_put(o);
        if (more != 1 || n == 0)
            return more < 0 ? roam_errf(err, errlen, "etcd answered a listing badly") : 0;
        /* The next page starts just after the last key: key + "\0". */
        last[lastlen] = 0;
        etcd_b64_encode(last, (size_t)lastlen + 1, from, sizeof from);
    }
}

static int et_watch_start(void *be, char *err, size_t errlen)
{
    ims_etcd *e = be;
    if (e->watch)
        return 0;
    char key[B64_LEN(IMS_KEY_MAX)], end[B64_LEN(IMS_KEY_MAX)];
    range_b64(e, key, end);
    e->watch = etcd_watch_start(&e->cfg, e->prefix, key, end, err, errlen);
    return e->watch ? 0 : -1;
}

static int et_watch_fd(void *be)
{
    ims_etcd *e = be;
    return e->watch ? etcd_watch_fd(e->watch) : -1;
}

static size_t et_watch_take(void *be, ims_change *out, size_t max, int *resync)
{
    ims_etcd *e = be;
    return e->watch ? etcd_watch_take(e->watch, out, max, resync) : 0;
}

static void et_close(void *be)
{
    ims_etcd *e = be;
    if (!e)
        return;
    etcd_watch_stop(e->watch);
    etcd_http_free(e->http);
    free(e->endpoints);
    free(e->ca);
    free(e->cert);
    free(e->key);
    free(e);
}

static int copy(char **dst, const char *src)
{
    *dst = strdup(src ? src : "");
    return *dst ? 0 : -1;
}

void *ims_etcd_open(const ims_etcd_config *cfg, char *err, size_t errlen)
{
    const char *prefix = cfg->prefix && *cfg->prefix ? cfg->prefix : "/roam/ims/";
    if (strlen(prefix) > IMS_PREFIX_MAX) {
        roam_errf(err, errlen, "etcd key prefix longer than %d characters", IMS_PREFIX_MAX);
        return NULL;
    }
    ims_etcd *e = calloc(1, sizeof *e);
    if (!e || copy(&e->endpoints, cfg->endpoints) < 0 || copy(&e->ca, cfg->ca) < 0 ||
        copy(&e->cert, cfg->cert) < 0 || copy(&e->key, cfg->key) < 0) {
        roam_errf(err, errlen, "out of memory");
        et_close(e);
        return NULL;
    }
    snprintf(e->prefix, sizeof e->prefix, "%s", prefix);
    e->cfg = (ims_etcd_config){ e->endpoints, e->ca, e->cert, e->key, e->prefix,
                                cfg->timeout_ms };
    e->http = etcd_http_new(&e->cfg, err, errlen);
    if (!e->http) {
        et_close(e);
        return NULL;
    }
    /* Fail now, not at the first registration, if no member answers. */
    char key[B64_LEN(IMS_KEY_MAX)], end[B64_LEN(IMS_KEY_MAX)], body[3 * B64_LEN(IMS_KEY_MAX)];
    range_b64(e, key, end);
    snprintf(body, sizeof body, "{\"key\":\"%s\",\"range_end\":\"%s\",\"count_only\":true}",
             key, end);
    json_object *o = etcd_http_call(e->http, "/v3/kv/range", body, err, errlen);
    if (!o) {
        et_close(e);
        return NULL;
    }
    json_object_put(o);
    return e;
}

const ims_store_ops ims_etcd_ops = {
    .close = et_close,
    .enroll = et_enroll,
    .revoke = et_revoke,
    .get = et_get,
    .update = et_update,
    .each = et_each,
    .watch_start = et_watch_start,
    .watch_fd = et_watch_fd,
    .watch_take = et_watch_take,
};
