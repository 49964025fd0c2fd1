/* The codec of roam-ims's store requests (ims_sep_msg.h). */
#include "ims_sep_msg.h"

#include <string.h>

#include "bytebuf.h"
#include "errbuf.h"

static void put_u64(struct roam_wbuf *w, uint64_t v)
{
    roam_wbuf_u32be(w, (uint32_t)(v >> 32));
    roam_wbuf_u32be(w, (uint32_t)v);
}

static uint64_t get_u64(struct roam_rbuf *r)
{
    uint32_t hi = 0, lo = 0;
    roam_rbuf_u32be(r, &hi);
    roam_rbuf_u32be(r, &lo);
    return (uint64_t)hi << 32 | lo;
}

/* -1, 0, 1, 2 as one byte (0xff for -1). */
static void put_rc(struct roam_wbuf *w, int rc)
{
    roam_wbuf_u8(w, (uint8_t)(rc < 0 ? 0xff : rc));
}

static int mapping_ok(const ims_mapping *m)
{
    char why[ROAM_ERR_MAX];
    return m->updated_ms >= 0 && ims_bindings_check(m->b, m->n, why, sizeof why) == 0;
}

static void put_mapping(struct roam_wbuf *w, const ims_mapping *m)
{
    roam_wbuf_bytes(w, m->hoa, IMS_ADDR_LEN);
    put_u64(w, m->seq);
    put_u64(w, (uint64_t)m->updated_ms);
    roam_wbuf_u8(w, (uint8_t)m->n);
    for (size_t i = 0; i < m->n; i++) {
        roam_wbuf_bytes(w, m->b[i].moa, IMS_ADDR_LEN);
        roam_wbuf_u8(w, (uint8_t)m->b[i].state);
    }
}

static int get_mapping(struct roam_rbuf *r, ims_mapping *m, char *err, size_t errlen)
{
    uint8_t n = 0;
    memset(m, 0, sizeof *m);
    roam_rbuf_bytes(r, m->hoa, IMS_ADDR_LEN);
    m->seq = get_u64(r);
    uint64_t t = get_u64(r);
    if (roam_rbuf_u8(r, &n) < 0)
        return roam_errf(err, errlen, "mapping cut short");
    if (t > INT64_MAX)
        return roam_errf(err, errlen, "update time out of range");
    m->updated_ms = (int64_t)t;
    if (n > IMS_MAX_BINDINGS)
        return roam_errf(err, errlen, "%u bindings (at most %d)", n, IMS_MAX_BINDINGS);
    m->n = n;
    for (size_t i = 0; i < m->n; i++) {
        uint8_t st = 0;
        roam_rbuf_bytes(r, m->b[i].moa, IMS_ADDR_LEN);
        if (roam_rbuf_u8(r, &st) < 0)
            return roam_errf(err, errlen, "bindings cut short");
        m->b[i].state = st;
    }
    char why[ROAM_ERR_MAX];
    if (ims_bindings_check(m->b, m->n, why, sizeof why) < 0)
        return roam_errf(err, errlen, "bindings: %s", why);
    return 0;
}

static void put_err(struct roam_wbuf *w, const char *e)
{
    size_t n = strnlen(e, IMS_SEP_ERR_MAX);
    if (n == 0) {
        e = "?";
        n = 1;
    }
    roam_wbuf_u8(w, (uint8_t)n);
    uint8_t *p = roam_wbuf_reserve(w, n);
    for (size_t i = 0; p && i < n; i++)
        p[i] = (unsigned char)e[i] < 0x20 || e[i] == 0x7f ? '?' : (uint8_t)e[i];
}

static int get_err(struct roam_rbuf *r, char out[IMS_SEP_ERR_MAX + 1], char *err,
                   size_t errlen)
{
    uint8_t n = 0;
    roam_rbuf_u8(r, &n);
    const uint8_t *p = roam_rbuf_take(r, n);
    if (!p)
        return roam_errf(err, errlen, "error text cut short");
    if (n == 0)
        return roam_errf(err, errlen, "empty error text");
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] == 0x7f)
            return roam_errf(err, errlen, "control character in error text");
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

int ims_sep_encode(const ims_sep_msg *m, uint8_t *out, size_t cap)
{
    struct roam_wbuf w;
    roam_wbuf_init(&w, out, cap);
    roam_wbuf_u8(&w, (uint8_t)m->type);
    switch (m->type) {
    case IMS_SEP_GET:
        roam_wbuf_bytes(&w, m->hoa, IMS_ADDR_LEN);
        break;
    case IMS_SEP_UPDATE:
        if (!mapping_ok(&m->m))
            return -1;
        put_mapping(&w, &m->m);
        break;
    case IMS_SEP_WATCH:
        break;
    case IMS_SEP_GOT:
        if (m->rc < -1 || m->rc > 1 || (m->rc == 1 && !mapping_ok(&m->m)))
            return -1;
        put_rc(&w, m->rc);
        if (m->rc == 1) {
            put_mapping(&w, &m->m);
            roam_wbuf_bytes(&w, m->pub, IMS_PUBKEY_LEN);
        } else if (m->rc < 0) {
            put_err(&w, m->err);
        }
        break;
    case IMS_SEP_UPDATED:
        if (m->rc < -1 || m->rc > 2 || m->m.updated_ms < 0)
            return -1;
        put_rc(&w, m->rc);
        if (m->rc == 0)
            put_u64(&w, (uint64_t)m->m.updated_ms);
        else if (m->rc == 1)
            put_u64(&w, m->current);
        else
            put_err(&w, m->err);
        break;
    case IMS_SEP_WATCHING:
        if (m->rc < -1 || m->rc > 0 || m->feed < 0 || m->feed > 1)
            return -1;
        put_rc(&w, m->rc);
        if (m->rc == 0)
            roam_wbuf_u8(&w, (uint8_t)m->feed);
        else
            put_err(&w, m->err);
        break;
    case IMS_SEP_CHANGES:
        if (m->resync < 0 || m->resync > 1 || m->n_changes > IMS_SEP_FEED_MAX)
            return -1;
        roam_wbuf_u8(&w, (uint8_t)m->resync);
        roam_wbuf_u8(&w, (uint8_t)m->n_changes);
        for (size_t i = 0; i < m->n_changes; i++) {
            const ims_change *c = &m->changes[i];
            if (c->known < 0 || c->known > 1 || !mapping_ok(&c->m))
                return -1;
            roam_wbuf_u8(&w, (uint8_t)c->known);
            put_mapping(&w, &c->m);
        }
        break;
    default:
        return -1;
    }
    return roam_wbuf_failed(&w) < 0 ? -1 : (int)w.len;
}

/* The reply code byte, refused outside lo..hi. */
static int get_rc(struct roam_rbuf *r, int lo, int hi, int *rc, char *err, size_t errlen)
{
    uint8_t b = 0;
    if (roam_rbuf_u8(r, &b) < 0)
        return roam_errf(err, errlen, "no result code");
    *rc = b == 0xff ? -1 : b;
    if (*rc < lo || *rc > hi)
        return roam_errf(err, errlen, "result code %u out of range", b);
    return 0;
}

static int get_flag(struct roam_rbuf *r, int *v, const char *what, char *err, size_t errlen)
{
    uint8_t b = 0;
    if (roam_rbuf_u8(r, &b) < 0)
        return roam_errf(err, errlen, "no %s", what);
    if (b > 1)
        return roam_errf(err, errlen, "%s %u is not 0 or 1", what, b);
    *v = b;
    return 0;
}

static int decode_body(struct roam_rbuf *r, ims_sep_msg *m, char *err, size_t errlen)
{
    switch (m->type) {
    case IMS_SEP_GET:
        roam_rbuf_bytes(r, m->hoa, IMS_ADDR_LEN);
        return 0;
    case IMS_SEP_UPDATE:
        return get_mapping(r, &m->m, err, errlen);
    case IMS_SEP_WATCH:
        return 0;
    case IMS_SEP_GOT:
        if (get_rc(r, -1, 1, &m->rc, err, errlen) < 0)
            return -1;
        if (m->rc == 1) {
            if (get_mapping(r, &m->m, err, errlen) < 0)
                return -1;
            roam_rbuf_bytes(r, m->pub, IMS_PUBKEY_LEN);
            return 0;
        }
        return m->rc < 0 ? get_err(r, m->err, err, errlen) : 0;
    case IMS_SEP_UPDATED:
        if (get_rc(r, -1, 2, &m->rc, err, errlen) < 0)
            return -1;
        if (m->rc == 1) {
            m->current = get_u64(r);
            return 0;
        }
        if (m->rc == 0) {
            uint64_t t = get_u64(r);
            if (t > INT64_MAX)
                return roam_errf(err, errlen, "update time out of range");
            m->m.updated_ms = (int64_t)t;
            return 0;
        }
        return get_err(r, m->err, err, errlen);
    case IMS_SEP_WATCHING:
        if (get_rc(r, -1, 0, &m->rc, err, errlen) < 0)
            return -1;
        return m->rc == 0 ? get_flag(r, &m->feed, "feed flag", err, errlen)
                          : get_err(r, m->err, err, errlen);
    case IMS_SEP_CHANGES: {
        uint8_t n = 0;
        if (get_flag(r, &m->resync, "resync flag", err, errlen) < 0)
            return -1;
        if (roam_rbuf_u8(r, &n) < 0)
            return roam_errf(err, errlen, "no change count");
        if (n > IMS_SEP_FEED_MAX)
            return roam_errf(err, errlen, "%u changes (at most %d)", n, IMS_SEP_FEED_MAX);
        m->n_changes = n;
        for (size_t i = 0; i < m->n_changes; i++)
            if (get_flag(r, &m->changes[i].known, "known flag", err, errlen) < 0 ||
                get_mapping(r, &m->changes[i].m, err, errlen) < 0)
                return -1;
        return 0;
    }
    default:
        return roam_errf(err, errlen, "unknown type 0x%02x", (unsigned)m->type);
    }
}

int ims_sep_decode(const uint8_t *in, size_t len, int request, ims_sep_msg *m, char *err,
                   size_t errlen)
{
    struct roam_rbuf r;
    uint8_t t = 0;
    memset(m, 0, sizeof *m);
    if (len > IMS_SEP_MSG_MAX)
        return roam_errf(err, errlen, "message of %zu bytes (at most %d)", len, IMS_SEP_MSG_MAX);
    roam_rbuf_init(&r, in, len);
    if (roam_rbuf_u8(&r, &t) < 0)
        return roam_errf(err, errlen, "empty message");
    m->type = t;
    if ((t < 0x80) != (request != 0))
        return roam_errf(err, errlen, "type 0x%02x is not a %s", t,
                         request ? "request" : "reply");
    if (decode_body(&r, m, err, errlen) < 0)
        return -1;
    if (r.err)
        return roam_errf(err, errlen, "message cut short");
    if (roam_rbuf_done(&r) < 0)
        return roam_errf(err, errlen, "%zu trailing byte(s)", roam_rbuf_left(&r));
    return 0;
}
