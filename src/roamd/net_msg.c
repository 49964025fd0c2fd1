/* Encoding and checking the monitor <-> network process messages
 * (net_msg.h). */
#include "net_msg.h"

#include <string.h>

#include "errbuf.h"

enum tag {
    T_ID = 1, T_KIND, T_ADDR, T_EXPORTER, T_CHAIN, T_HOST, T_ERROR, T_STATUS, T_PID,
    T_PATH0, T_PATH_END = T_PATH0 + ROAMD_NET_PATHS - 1, T_LIMITS, T_COUNT
};

#define BIT(t) (1u << (t))
#define PATHS (((1u << ROAMD_NET_PATHS) - 1) << T_PATH0)

/* Per type: the fields it must carry, and those it may. */
static const struct {
    uint32_t need, may;
} schema[] = {
    [ROAMD_NET_CONFIG] = { PATHS | BIT(T_LIMITS), 0 },
    [ROAMD_NET_READY] = { BIT(T_PID), 0 },
    [ROAMD_NET_CONN] = { BIT(T_ID) | BIT(T_KIND) | BIT(T_ADDR) | BIT(T_EXPORTER), BIT(T_CHAIN) },
    [ROAMD_NET_DIAL] = { BIT(T_ID) | BIT(T_HOST), 0 },
    [ROAMD_NET_DIALED] = { BIT(T_ID), BIT(T_ERROR) | BIT(T_EXPORTER) | BIT(T_CHAIN) },
    [ROAMD_NET_DIED] = { BIT(T_STATUS) | BIT(T_PID), 0 },
};

static int known(uint8_t type)
{
    return type >= ROAMD_NET_CONFIG && type <= ROAMD_NET_DIED;
}

/* ---- encoding ---- */

struct out {
    uint8_t *p;
    size_t cap, n;
    int bad;
};

static void put(struct out *o, enum tag t, const void *v, size_t len)
{
    if (o->bad || len > 0xffff || o->cap - o->n < 3 + len) {
        o->bad = 1;
        return;
    }
    o->p[o->n] = (uint8_t)t;
    o->p[o->n + 1] = (uint8_t)(len >> 8);
    o->p[o->n + 2] = (uint8_t)len;
    if (len)
        memcpy(o->p + o->n + 3, v, len);
    o->n += 3 + len;
}

static void put_u32(struct out *o, enum tag t, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    put(o, t, b, 4);
}

static void put_str(struct out *o, enum tag t, const char *s)
{
    put(o, t, s, strlen(s));
}

int roamd_net_encode(const struct roamd_net_msg *m, uint8_t *out, size_t cap)
{
    struct out o = { out, cap, 2, cap < 2 || !known(m->type) };
    if (o.bad)
        return -1;
    out[0] = m->type;
    out[1] = ROAMD_NET_VERSION;
    switch (m->type) {
    case ROAMD_NET_CONFIG:
        for (int i = 0; i < ROAMD_NET_PATHS; i++)
            put_str(&o, (enum tag)(T_PATH0 + i), m->paths[i]);
        uint8_t l[4 * ROAMD_NET_LIMITS];
        for (int i = 0; i < ROAMD_NET_LIMITS; i++) {
            l[4 * i] = (uint8_t)(m->limits[i] >> 24);
            l[4 * i + 1] = (uint8_t)(m->limits[i] >> 16);
            l[4 * i + 2] = (uint8_t)(m->limits[i] >> 8);
            l[4 * i + 3] = (uint8_t)m->limits[i];
        }
        put(&o, T_LIMITS, l, sizeof l);
        break;
    case ROAMD_NET_READY:
        put_u32(&o, T_PID, m->pid);
        break;
    case ROAMD_NET_CONN:
        put_u32(&o, T_ID, m->id);
        put(&o, T_KIND, &m->kind, 1);
        put_str(&o, T_ADDR, m->addr);
        put(&o, T_EXPORTER, m->exporter, sizeof m->exporter);
        if (m->chain_len)
            put(&o, T_CHAIN, m->chain, m->chain_len);
        break;
    case ROAMD_NET_DIAL:
        put_u32(&o, T_ID, m->id);
        put_str(&o, T_HOST, m->host);
        break;
    case ROAMD_NET_DIALED:
        put_u32(&o, T_ID, m->id);
        if (m->error[0])
            put_str(&o, T_ERROR, m->error);
        else {
            put(&o, T_EXPORTER, m->exporter, sizeof m->exporter);
            put(&o, T_CHAIN, m->chain, m->chain_len);
        }
        break;
    case ROAMD_NET_DIED:
        put_u32(&o, T_STATUS, (uint32_t)m->status);
        put_u32(&o, T_PID, m->pid);
        break;
    }
    if (o.bad)
        return -1;
    /* What we send is what the other side accepts, or nothing. */
    static __thread struct roamd_net_msg check;
    char why[8];
    return roamd_net_decode(out, o.n, &check, why, sizeof why) == 0 ? (int)o.n : -1;
}

/* ---- decoding ----
 * Fields come in ascending tag order, as encoding writes them: one
 * message, one encoding. */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A text field: bounded, and no control character (a log line or a
 * name must not be forged); paths may hold any other byte. */
static int text(char *dst, size_t cap, const uint8_t *v, size_t len, int ascii)
{
    if (len >= cap)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (v[i] < 0x20 || v[i] == 0x7f || (ascii && v[i] > 0x7e))
            return -1;
    memcpy(dst, v, len);
    dst[len] = '\0';
    return 0;
}

static int field(struct roamd_net_msg *m, enum tag t, const uint8_t *v, size_t len)
{
    switch (t) {
    case T_ID:
    case T_STATUS:
    case T_PID:
        if (len != 4)
            return -1;
        if (t == T_ID)
            m->id = be32(v);
        else if (t == T_STATUS)
            m->status = (int32_t)be32(v);
        else
            m->pid = be32(v);
        return t == T_PID && m->pid == 0 ? -1 : 0;
    case T_KIND:
        if (len != 1 || v[0] > ROAMD_NET_PEER)
            return -1;
        m->kind = v[0];
        return 0;
    case T_ADDR:
        return len == 0 ? -1 : text(m->addr, sizeof m->addr, v, len, 1);
    case T_EXPORTER:
        if (len != sizeof m->exporter)
            return -1;
        memcpy(m->exporter, v, len);
        m->have_exporter = 1;
        return 0;
    case T_CHAIN:
        if (len == 0)
            return -1;
        m->chain = v;
        m->chain_len = len;
        return 0;
    case T_HOST:
        return len == 0 ? -1 : text(m->host, sizeof m->host, v, len, 1);
    case T_ERROR:
        return len == 0 ? -1 : text(m->error, sizeof m->error, v, len, 1);
    case T_LIMITS:
        if (len != 4 * ROAMD_NET_LIMITS)
            return -1;
        for (int i = 0; i < ROAMD_NET_LIMITS; i++)
            if ((m->limits[i] = be32(v + 4 * i)) > ROAMD_NET_LIMIT_MAX)
                return -1;
        return m->limits[ROAMD_NET_SECCOMP] > 2 ? -1 : 0;
    default:
        if (t >= T_PATH0 && t <= T_PATH_END)
            return text(m->paths[t - T_PATH0], sizeof m->paths[0], v, len, 0);
        return -1;
    }
}

int roamd_net_decode(const uint8_t *buf, size_t len, struct roamd_net_msg *m, char *err,
                     size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (len < 2 || len > ROAMD_NET_MSG_MAX)
        return roam_errf(err, errlen, "a %zu-byte message", len);
    if (!known(buf[0]))
        return roam_errf(err, errlen, "unknown message type %u", buf[0]);
    if (buf[1] != ROAMD_NET_VERSION)
        return roam_errf(err, errlen, "message version %u, not %u", buf[1], ROAMD_NET_VERSION);
    m->type = buf[0];
    uint32_t seen = 0, need = schema[m->type].need, may = need | schema[m->type].may;
    size_t at = 2;
    while (at < len) {
        if (len - at < 3)
            return roam_errf(err, errlen, "a field header cut short at byte %zu", at);
        unsigned t = buf[at];
        size_t flen = (size_t)buf[at + 1] << 8 | buf[at + 2];
        at += 3;
        if (flen > len - at)
            return roam_errf(err, errlen, "field %u runs past the end", t);
        if (t == 0 || t >= T_COUNT || !(may & BIT(t)))
            return roam_errf(err, errlen, "field %u does not belong in message type %u", t,
                             m->type);
        if (seen >> t)
            return roam_errf(err, errlen, "field %u twice or out of order", t);
        seen |= BIT(t);
        if (field(m, (enum tag)t, buf + at, flen) < 0)
            return roam_errf(err, errlen, "field %u (%zu bytes) out of bounds", t, flen);
        at += flen;
    }
    if ((seen & need) != need)
        return roam_errf(err, errlen, "message type %u lacks field(s) 0x%x", m->type,
                         need & ~seen);
    /* The cross-field rules. */
    if (m->type == ROAMD_NET_CONN && (m->kind == ROAMD_NET_PEER) != (m->chain_len > 0))
        return roam_errf(err, errlen, "a peer connection comes with its certificates, "
                         "a client's without");
    if (m->type == ROAMD_NET_DIALED &&
        !((seen & BIT(T_ERROR)) ? !(seen & (BIT(T_EXPORTER) | BIT(T_CHAIN)))
                                : (seen & BIT(T_EXPORTER)) && (seen & BIT(T_CHAIN))))
        return roam_errf(err, errlen, "a dial's outcome is an error or a connection");
    return 0;
}

int roamd_net_wants_fd(const struct roamd_net_msg *m)
{
    return m->type == ROAMD_NET_CONN || m->type == ROAMD_NET_DIAL ||
           (m->type == ROAMD_NET_DIALED && m->error[0] == '\0');
}
