/* Scan-then-unpack with a bounded allocator (see pb_guard.h). */
#include "pb_guard.h"

#include <stdlib.h>

#include "errbuf.h"

/* A varint of at most 10 bytes; 0 or -1 (truncated or too long). */
static int varint(const uint8_t *p, size_t len, size_t *off, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 70 && *off < len; shift += 7) {
        uint8_t b = p[(*off)++];
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

/* The wire type a field of this type is sent with (2 also for packed). */
static int wire_type(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_SFIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 1;
    case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_SFIXED32: case PROTOBUF_C_TYPE_FLOAT:
        return 5;
    case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_BYTES: case PROTOBUF_C_TYPE_MESSAGE:
        return 2;
    default:
        return 0;
    }
}

/* Skip one value of wire type wt at *off.  0 or -1. */
static int skip(const uint8_t *p, size_t len, size_t *off, unsigned wt, uint64_t *v)
{
    if (wt == 0)
        return varint(p, len, off, v);
    if (wt == 1 || wt == 5) {
        size_t n = wt == 1 ? 8 : 4;
        if (len - *off < n)
            return -1;
        *off += n;
        return 0;
    }
    if (wt == 2 && varint(p, len, off, v) == 0 && *v <= len - *off) {
        *off += (size_t)*v;
        return 0;
    }
    return -1;
}

static int scan(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, int depth,
                int *unknown_left, char *err, size_t errlen)
{
    if (depth > ROAM_PB_MAX_DEPTH)
        return roam_errf(err, errlen, "messages nested deeper than %d", ROAM_PB_MAX_DEPTH);
    size_t off = 0;
    while (off < len) {
        uint64_t tag, v = 0;
        if (varint(p, len, &off, &tag) < 0)
            return roam_errf(err, errlen, "%s: truncated field tag", d->short_name);
        unsigned wt = (unsigned)(tag & 7);
        uint64_t num = tag >> 3;
        if (num == 0 || num > 0x1fffffff)
            return roam_errf(err, errlen, "%s: field number %llu", d->short_name,
                             (unsigned long long)num);
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(d, (unsigned)num);
        if (!f) {
            /* A few are left for the validator to name (a newer peer's
             * message must still reach the version check); a flood is
             * refused here, before protobuf-c keeps a copy of each. */
            if ((*unknown_left)-- <= 0)
                return roam_errf(err, errlen, "%s: too many unknown fields", d->short_name);
            if (skip(p, len, &off, wt, &v) < 0)
                return roam_errf(err, errlen, "%s: malformed unknown field %llu",
                                 d->short_name, (unsigned long long)num);
            continue;
        }
        /* A singular field sent twice passes: the caller's canonical
         * check names it, and the allocation cap bounds what it costs. */
        int repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        if (wt != (unsigned)wire_type(f->type) && !(repeated && wt == 2))
            return roam_errf(err, errlen, "%s.%s: wire type %u", d->short_name, f->name, wt);
        if (skip(p, len, &off, wt, &v) < 0)
            return roam_errf(err, errlen, "%s.%s: truncated or overlong", d->short_name, f->name);
        if (wt == 2 && f->type == PROTOBUF_C_TYPE_MESSAGE &&
            scan(f->descriptor, p + (off - (size_t)v), (size_t)v, depth + 1, unknown_left, err,
                 errlen) < 0)
            return -1;
    }
    return 0;
}

int roam_pb_scan(const ProtobufCMessageDescriptor *desc, const uint8_t *buf, size_t len,
                 int max_unknown, char *err, size_t errlen)
{
    return scan(desc, buf, len, 0, &max_unknown, err, errlen);
}

struct budget {
    size_t used, cap;
    int refused;
};

/* Plain malloc, so that protobuf_c_message_free_unpacked(m, NULL) frees
 * what this allocated; only the running total is refused past the cap. */
static void *bounded_alloc(void *data, size_t size)
{
    struct budget *b = data;
    if (size > b->cap - b->used) {
        b->refused = 1;
        return NULL;
    }
    b->used += size;
    return malloc(size);
}

static void bounded_free(void *data, void *ptr)
{
    (void)data;
    free(ptr);
}

ProtobufCMessage *roam_pb_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *buf,
                                 size_t len, size_t cap, char *err, size_t errlen)
{
    if (roam_pb_scan(desc, buf, len, ROAM_PB_UNKNOWN_MAX, err, errlen) < 0)
        return NULL;
    struct budget b = { 0, cap, 0 };
    ProtobufCAllocator a = { bounded_alloc, bounded_free, &b };
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, &a, len, buf);
    if (!m)
        roam_errf(err, errlen, "%s of %zu bytes does not decode%s", desc->short_name, len,
                  b.refused ? " within its memory bound" : "");
    return m;
}
