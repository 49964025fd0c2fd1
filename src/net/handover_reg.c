/* The shape check of a handover's registration (see handover_reg.h). */
#include "handover_reg.h"

#include <string.h>

#include "bytebuf.h"
#include "errbuf.h"
#include "ipv6_addr.h"

/* Protobuf wire types the registration uses. */
#define WT_VARINT 0
#define WT_LEN 2

/* ims.proto's field numbers. */
enum { MSG_VERSION = 1, MSG_ID = 2, MSG_REGISTER = 10 };
enum { REG_HOA = 1, REG_SEQ = 2, REG_BINDING = 3, REG_SIGNATURE = 4 };
enum { BND_MOA = 1, BND_STATE = 2 };
enum { STATE_STANDBY = 1, STATE_ACTIVE = 2 };
#define SIG_LEN 64

/* One field as read from the wire: a varint value, or bytes in place. */
struct field {
    unsigned num, type;
    uint64_t v;
    const uint8_t *p;
    size_t len;
};

static int varint(struct roam_rbuf *r, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b;
        if (roam_rbuf_u8(r, &b) < 0 || (shift == 63 && b > 1))
            return -1;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

/* The next field of the message r walks; -1 (err) if it does not read as
 * a varint or length-delimited field of number 1..15 within r. */
static int next_field(struct roam_rbuf *r, const char *msg, struct field *f, char *err,
                      size_t errlen)
{
    uint64_t tag, n;
    if (varint(r, &tag) < 0 || tag >> 3 == 0 || tag >> 3 > 15)
        return roam_errf(err, errlen, "registration: %s has a field that does not read", msg);
    f->num = (unsigned)(tag >> 3);
    f->type = (unsigned)(tag & 7);
    if (f->type == WT_VARINT && varint(r, &f->v) == 0)
        return 0;
    if (f->type == WT_LEN && varint(r, &n) == 0 && n <= roam_rbuf_left(r)) {
        f->len = (size_t)n;
        f->p = roam_rbuf_take(r, f->len);
        return 0;
    }
    return roam_errf(err, errlen, "registration: field %u of %s does not read", f->num, msg);
}

/* Field f once only, of wire type type; its bit in *seen. */
static int first(const struct field *f, unsigned type, unsigned *seen, const char *msg,
                 char *err, size_t errlen)
{
    if (f->type != type)
        return roam_errf(err, errlen, "registration: field %u of %s has wire type %u", f->num,
                         msg, f->type);
    if (*seen & 1u << f->num)
        return roam_errf(err, errlen, "registration: field %u of %s twice", f->num, msg);
    *seen |= 1u << f->num;
    return 0;
}

/* An address field: 16 bytes, unicast beyond the link. */
static int address(const struct field *f, uint8_t out[16], const char *what, char *err,
                   size_t errlen)
{
    if (f->len != 16)
        return roam_errf(err, errlen, "registration: %s of %zu bytes", what, f->len);
    memcpy(out, f->p, 16);
    return roam_ipv6_unicast_check(out, what, err, errlen);
}

/* One Binding: its address and state (standby or active). */
static int binding(const struct field *b, uint8_t moa[16], uint64_t *state, char *err,
                   size_t errlen)
{
    struct roam_rbuf r;
    struct field f;
    unsigned seen = 0;
    *state = 0;
    roam_rbuf_init(&r, b->p, b->len);
    while (roam_rbuf_left(&r)) {
        if (next_field(&r, "a binding", &f, err, errlen) < 0)
            return -1;
        if (f.num == BND_MOA) {
            if (first(&f, WT_LEN, &seen, "a binding", err, errlen) < 0 ||
                address(&f, moa, "registration's mobile address", err, errlen) < 0)
                return -1;
        } else if (f.num == BND_STATE) {
            if (first(&f, WT_VARINT, &seen, "a binding", err, errlen) < 0)
                return -1;
            *state = f.v;
        } else
            return roam_errf(err, errlen, "registration: unknown field %u in a binding", f.num);
    }
    if (!(seen & 1u << BND_MOA))
        return roam_errf(err, errlen, "registration: a binding without its address");
    if (*state != STATE_STANDBY && *state != STATE_ACTIVE)
        return roam_errf(err, errlen, "registration: a binding in state %llu",
                         (unsigned long long)*state);
    return 0;
}

/* The Register body. */
static int reg_body(const struct field *body, roam_handover_reg *out, char *err, size_t errlen)
{
    static const char what[] = "the Register";
    uint8_t moas[ROAM_HANDOVER_REG_BINDINGS][16];
    size_t active = 0;
    unsigned seen = 0;
    struct roam_rbuf r;
    struct field f;
    roam_rbuf_init(&r, body->p, body->len);
    while (roam_rbuf_left(&r)) {
        if (next_field(&r, what, &f, err, errlen) < 0)
            return -1;
        if (f.num == REG_BINDING) {
            uint64_t state;
            if (f.type != WT_LEN)
                return roam_errf(err, errlen, "registration: a binding of wire type %u", f.type);
            if (out->n_bindings == ROAM_HANDOVER_REG_BINDINGS)
                return roam_errf(err, errlen, "registration: more than %d bindings",
                                 ROAM_HANDOVER_REG_BINDINGS);
            uint8_t *moa = moas[out->n_bindings];
            if (binding(&f, moa, &state, err, errlen) < 0)
                return -1;
            for (size_t j = 0; j < out->n_bindings; j++)
                if (memcmp(moas[j], moa, 16) == 0)
                    return roam_errf(err, errlen, "registration: a mobile address twice");
            out->n_bindings++;
            if (state == STATE_ACTIVE && active++ == 0)
                memcpy(out->active, moa, 16);
            continue;
        }
        if (f.num < REG_HOA || f.num > REG_SIGNATURE)
            return roam_errf(err, errlen, "registration: unknown field %u in %s", f.num, what);
        if (first(&f, f.num == REG_SEQ ? WT_VARINT : WT_LEN, &seen, what, err, errlen) < 0)
            return -1;
        if (f.num == REG_HOA && address(&f, out->hoa, "registration's home address", err,
                                        errlen) < 0)
            return -1;
        if (f.num == REG_SEQ)
            out->seq = f.v;
        if (f.num == REG_SIGNATURE && f.len != SIG_LEN)
            return roam_errf(err, errlen, "registration: signature of %zu bytes, not %d",
                             f.len, SIG_LEN);
    }
    if (!(seen & 1u << REG_HOA))
        return roam_errf(err, errlen, "registration without a home address");
    if (out->seq == 0)
        return roam_errf(err, errlen, "registration without a sequence number");
    if (!(seen & 1u << REG_SIGNATURE))
        return roam_errf(err, errlen, "registration without a signature");
    if (active != 1)
        return roam_errf(err, errlen, "registration with %zu active mobile addresses, not 1",
                         active);
    return 0;
}

int roam_handover_reg_parse(const uint8_t *p, size_t len, roam_handover_reg *out, char *err,
                            size_t errlen)
{
    static const char what[] = "the message";
    memset(out, 0, sizeof *out);
    if (len > ROAM_HANDOVER_REG_SHAPE_MAX)
        return roam_errf(err, errlen, "registration of %zu bytes (a registration is at most "
                         "%d)", len, ROAM_HANDOVER_REG_SHAPE_MAX);
    struct roam_rbuf r;
    struct field f, body = { 0 };
    unsigned seen = 0;
    roam_rbuf_init(&r, p, len);
    while (roam_rbuf_left(&r)) {
        if (next_field(&r, what, &f, err, errlen) < 0)
            return -1;
        if (f.num == MSG_VERSION || f.num == MSG_ID) {
            if (first(&f, WT_VARINT, &seen, what, err, errlen) < 0)
                return -1;
            if (f.num == MSG_VERSION && f.v != 1)
                return roam_errf(err, errlen, "registration: IMS protocol version %llu",
                                 (unsigned long long)f.v);
        } else if (f.num == MSG_REGISTER) {
            if (first(&f, WT_LEN, &seen, what, err, errlen) < 0)
                return -1;
            body = f;
        } else
            return roam_errf(err, errlen, "not a registration: field %u in the message", f.num);
    }
    if (!(seen & 1u << MSG_VERSION))
        return roam_errf(err, errlen, "registration: no IMS protocol version");
    if (!(seen & 1u << MSG_REGISTER))
        return roam_errf(err, errlen, "not a registration: no Register in the message");
    return reg_body(&body, out, err, errlen);
}

void roam_pb_varint_put(struct roam_wbuf *w, uint64_t v)
{
    while (v >= 0x80) {
        roam_wbuf_u8(w, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    roam_wbuf_u8(w, (uint8_t)v);
}

size_t roam_handover_reg_append(const uint8_t *reg, size_t len, const uint8_t *field,
                                size_t flen, uint8_t *out, size_t cap, char *err,
                                size_t errlen)
{
    roam_handover_reg shape;
    if (roam_handover_reg_parse(reg, len, &shape, err, errlen) < 0)
        return 0;
    struct roam_rbuf r;
    struct roam_wbuf w;
    struct field f;
    roam_rbuf_init(&r, reg, len);
    roam_wbuf_init(&w, out, cap);
    while (roam_rbuf_left(&r)) {
        size_t at = len - roam_rbuf_left(&r);
        if (next_field(&r, "the message", &f, err, errlen) < 0)
            return 0;
        if (f.num != MSG_REGISTER) {   /* version, id: as they came */
            roam_wbuf_bytes(&w, reg + at, len - roam_rbuf_left(&r) - at);
            continue;
        }
        roam_pb_varint_put(&w, MSG_REGISTER << 3 | WT_LEN);
        roam_pb_varint_put(&w, f.len + flen);
        roam_wbuf_bytes(&w, f.p, f.len);
        roam_wbuf_bytes(&w, field, flen);
    }
    if (roam_wbuf_failed(&w)) {
        roam_errf(err, errlen, "registration of %zu bytes and a field of %zu do not fit %zu",
                  len, flen, cap);
        return 0;
    }
    return w.len;
}
