/* The bounds-checked reader and writer (see bytebuf.h).  Every access goes
 * through want()/room(), the only places that compare against the bounds. */
#include "bytebuf.h"

#include <string.h>

void roam_rbuf_init(struct roam_rbuf *r, const void *p, size_t len)
{
    r->p = p;
    r->len = p != NULL ? len : 0;
    r->off = 0;
    r->err = 0;
}

/* Written as a subtraction so that a huge n cannot wrap around. */
static const uint8_t *want(const struct roam_rbuf *r, size_t n)
{
    if (r->err || n > r->len - r->off)
        return NULL;
    return r->p != NULL ? r->p + r->off : (const uint8_t *)"";
}

const uint8_t *roam_rbuf_peek(const struct roam_rbuf *r, size_t n)
{
    return want(r, n);
}

const uint8_t *roam_rbuf_take(struct roam_rbuf *r, size_t n)
{
    const uint8_t *q = want(r, n);
    if (q == NULL)
        r->err = 1;
    else
        r->off += n;
    return q;
}

int roam_rbuf_skip(struct roam_rbuf *r, size_t n)
{
    return roam_rbuf_take(r, n) != NULL ? 0 : -1;
}

int roam_rbuf_bytes(struct roam_rbuf *r, void *out, size_t n)
{
    const uint8_t *q = roam_rbuf_take(r, n);
    if (q == NULL) {
        if (n > 0)
            memset(out, 0, n);
        return -1;
    }
    if (n > 0)
        memcpy(out, q, n);
    return 0;
}

int roam_rbuf_u8(struct roam_rbuf *r, uint8_t *v)
{
    const uint8_t *q = roam_rbuf_take(r, 1);
    *v = q != NULL ? q[0] : 0;
    return q != NULL ? 0 : -1;
}

int roam_rbuf_u16be(struct roam_rbuf *r, uint16_t *v)
{
    const uint8_t *q = roam_rbuf_take(r, 2);
    *v = q != NULL ? (uint16_t)(q[0] << 8 | q[1]) : 0;
    return q != NULL ? 0 : -1;
}

int roam_rbuf_u32be(struct roam_rbuf *r, uint32_t *v)
{
    const uint8_t *q = roam_rbuf_take(r, 4);
    *v = q != NULL ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3] : 0;
    return q != NULL ? 0 : -1;
}

size_t roam_rbuf_left(const struct roam_rbuf *r)
{
    return r->err ? 0 : r->len - r->off;
}

const uint8_t *roam_rbuf_rest(const struct roam_rbuf *r)
{
    return want(r, 0);
}

int roam_rbuf_done(const struct roam_rbuf *r)
{
    return !r->err && r->off == r->len ? 0 : -1;
}

void roam_wbuf_init(struct roam_wbuf *w, void *p, size_t cap)
{
    w->p = p;
    w->cap = p != NULL ? cap : 0;
    w->len = 0;
    w->err = 0;
}

static uint8_t *room(struct roam_wbuf *w, size_t n)
{
    if (w->err || n > w->cap - w->len) {
        w->err = 1;
        return NULL;
    }
    uint8_t *q = w->p != NULL ? w->p + w->len : NULL;
    w->len += n;
    return q;
}

uint8_t *roam_wbuf_reserve(struct roam_wbuf *w, size_t n)
{
    static uint8_t none;
    uint8_t *q = room(w, n);
    /* A zero-byte reservation in an empty writer still succeeds. */
    return q != NULL || w->err ? q : &none;
}

int roam_wbuf_bytes(struct roam_wbuf *w, const void *d, size_t n)
{
    uint8_t *q = roam_wbuf_reserve(w, n);
    if (q == NULL)
        return -1;
    if (n > 0)
        memcpy(q, d, n);
    return 0;
}

int roam_wbuf_zero(struct roam_wbuf *w, size_t n)
{
    uint8_t *q = roam_wbuf_reserve(w, n);
    if (q == NULL)
        return -1;
    if (n > 0)
        memset(q, 0, n);
    return 0;
}

int roam_wbuf_u8(struct roam_wbuf *w, uint8_t v)
{
    return roam_wbuf_bytes(w, &v, 1);
}

int roam_wbuf_u16be(struct roam_wbuf *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return roam_wbuf_bytes(w, b, sizeof b);
}

int roam_wbuf_u32be(struct roam_wbuf *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return roam_wbuf_bytes(w, b, sizeof b);
}

int roam_wbuf_failed(const struct roam_wbuf *w)
{
    return w->err ? -1 : 0;
}
