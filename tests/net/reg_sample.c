/* Registration datagrams for the tests (see reg_sample.h). */
#include "reg_sample.h"

#include <arpa/inet.h>
#include <string.h>

#include "bytebuf.h"

static void varint(struct roam_wbuf *w, uint64_t v)
{
    do {
        roam_wbuf_u8(w, (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}

static void field_bytes(struct roam_wbuf *w, unsigned num, const uint8_t *p, size_t n)
{
    varint(w, num << 3 | 2);
    varint(w, n);
    roam_wbuf_bytes(w, p, n);
}

static void field_varint(struct roam_wbuf *w, unsigned num, uint64_t v)
{
    varint(w, num << 3);
    varint(w, v);
}

void reg_spec_sample(struct reg_spec *s, const uint8_t active[16])
{
    memset(s, 0, sizeof *s);
    s->version = 1;
    s->id = 0;
    inet_pton(AF_INET6, "2001:db8:e::10", s->hoa);
    s->seq = 7;
    s->n = 2;
    inet_pton(AF_INET6, "2001:db8:a::5", s->moa[0]);
    s->state[0] = 1;
    memcpy(s->moa[1], active, 16);
    s->state[1] = 2;
    s->sig_len = 64;
}

size_t reg_encode(const struct reg_spec *s, uint8_t *out, size_t cap)
{
    static uint8_t filler[2048];
    uint8_t body[2048], b[64];
    struct roam_wbuf w;
    memset(filler, 0xa5, sizeof filler);
    if (s->sig_len > sizeof filler || s->pad > sizeof filler)
        return 0;
    roam_wbuf_init(&w, body, sizeof body);
    if (!s->no_hoa)
        field_bytes(&w, 1, s->hoa, 16);
    if (s->seq)
        field_varint(&w, 2, s->seq);
    for (size_t i = 0; i < s->n; i++) {
        struct roam_wbuf bw;
        roam_wbuf_init(&bw, b, sizeof b);
        field_bytes(&bw, 1, s->moa[i], 16);
        if (s->state[i])
            field_varint(&bw, 2, (uint64_t)s->state[i]);
        field_bytes(&w, 3, b, bw.len);
    }
    if (s->sig_len)
        field_bytes(&w, 4, filler, s->sig_len);
    if (s->pad)
        field_bytes(&w, 9, filler, s->pad);
    if (roam_wbuf_failed(&w) < 0)
        return 0;
    struct roam_wbuf m;
    roam_wbuf_init(&m, out, cap);
    if (s->version)
        field_varint(&m, 1, s->version);
    if (s->id)
        field_varint(&m, 2, s->id);
    field_bytes(&m, 10, body, w.len);
    return roam_wbuf_failed(&m) < 0 ? 0 : m.len;
}
