/* The etcd backend's keys and records (see ims_etcd_rec.h). */
#include "ims_etcd_rec.h"

#include <stdio.h>
#include <string.h>

#include "errbuf.h"

size_t ims_rec_key(const char *prefix, const uint8_t hoa[IMS_ADDR_LEN], char *out)
{
    int n = snprintf(out, IMS_KEY_MAX + 1, "%.*shoa/", IMS_PREFIX_MAX, prefix);
    for (size_t i = 0; i < IMS_ADDR_LEN; i++)
        n += snprintf(out + n, 3, "%02x", hoa[i]);
    return (size_t)n;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int ims_rec_key_hoa(const char *prefix, const uint8_t *key, size_t len,
                    uint8_t hoa[IMS_ADDR_LEN])
{
    size_t pl = strlen(prefix);
    if (len != pl + 4 + 2 * IMS_ADDR_LEN || memcmp(key, prefix, pl) != 0 ||
        memcmp(key + pl, "hoa/", 4) != 0)
        return -1;
    const uint8_t *h = key + pl + 4;
    for (size_t i = 0; i < IMS_ADDR_LEN; i++) {
        int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        hoa[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

size_t ims_rec_encode(const ims_mapping *m, const uint8_t pub[IMS_PUBKEY_LEN],
                      uint8_t out[IMS_REC_MAX])
{
    size_t n = m->n > IMS_MAX_BINDINGS ? IMS_MAX_BINDINGS : m->n;
    uint8_t *p = out;
    *p++ = IMS_REC_VERSION;
    memcpy(p, pub, IMS_PUBKEY_LEN);
    p += IMS_PUBKEY_LEN;
    put64(p, m->seq);
    put64(p + 8, (uint64_t)m->updated_ms);
    p += 16;
    *p++ = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        memcpy(p, m->b[i].moa, IMS_ADDR_LEN);
        p[IMS_ADDR_LEN] = (uint8_t)m->b[i].state;
        p += IMS_ADDR_LEN + 1;
    }
    return (size_t)(p - out);
}

int ims_rec_decode(const uint8_t *buf, size_t len, const uint8_t hoa[IMS_ADDR_LEN],
                   ims_mapping *m, uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen)
{
    const size_t head = 1 + IMS_PUBKEY_LEN + 16 + 1;
    if (len < head || buf[0] != IMS_REC_VERSION)
        return roam_errf(err, errlen, "IMS record: not a version %d record", IMS_REC_VERSION);
    size_t n = buf[head - 1];
    if (n > IMS_MAX_BINDINGS || len != head + n * (IMS_ADDR_LEN + 1))
        return roam_errf(err, errlen, "IMS record: wrong length");
    uint8_t h[IMS_ADDR_LEN];
    memcpy(h, hoa, IMS_ADDR_LEN);   /* hoa may be m->hoa */
    memset(m, 0, sizeof *m);
    memcpy(m->hoa, h, IMS_ADDR_LEN);
    if (pub)
        memcpy(pub, buf + 1, IMS_PUBKEY_LEN);
    m->seq = get64(buf + 1 + IMS_PUBKEY_LEN);
    uint64_t up = get64(buf + 1 + IMS_PUBKEY_LEN + 8);
    if (m->seq > INT64_MAX || up > INT64_MAX)
        return roam_errf(err, errlen, "IMS record: number out of range");
    m->updated_ms = (int64_t)up;
    m->n = n;
    const uint8_t *p = buf + head;
    for (size_t i = 0; i < n; i++, p += IMS_ADDR_LEN + 1) {
        memcpy(m->b[i].moa, p, IMS_ADDR_LEN);
        m->b[i].state = p[IMS_ADDR_LEN];
    }
    char why[ROAM_ERR_MAX];
    if (ims_bindings_check(m->b, m->n, why, sizeof why) < 0)
        return roam_errf(err, errlen, "IMS record: %s", why);
    return 0;
}
