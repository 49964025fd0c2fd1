/* The registration a handover datagram carries, as the hosts check it: an
 * IMS registration datagram (src/mobility/ims.proto: one Message, version 1,
 * whose body is a Register with a home address, a nonzero sequence number,
 * 1..8 bindings of which exactly one is active, and a 64-byte signature).
 * The hosts cannot verify the signature (the key is the VM's), but they
 * send the datagram only if it has that shape, so a guest cannot make them
 * send anything else.
 *
 * Hand-written rather than the IMS's protobuf-c codec, which lives above
 * src/net (docs/design.md §9): it reads the protobuf wire format in place,
 * allocates nothing, and is narrower than the IMS's decoder — every field
 * at most once (bindings up to 8 times), no unknown fields, no other wire
 * types — so what passes here the IMS decodes to the same registration
 * (tests/mobility checks both directions on the mobile node's own
 * datagrams). */
#ifndef ROAM_NET_HANDOVER_REG_H
#define ROAM_NET_HANDOVER_REG_H

#include <stddef.h>
#include <stdint.h>

#include "bytebuf.h"

#define ROAM_HANDOVER_REG_BINDINGS 8     /* = IMS_MAX_BINDINGS */
/* The longest registration of that shape, every varint at 10 bytes, is
 * 287 bytes; anything longer is refused before it is read. */
#define ROAM_HANDOVER_REG_SHAPE_MAX 320

typedef struct roam_handover_reg {
    uint8_t hoa[16];          /* the home address registered */
    uint64_t seq;             /* its sequence number, nonzero */
    size_t n_bindings;        /* 1..ROAM_HANDOVER_REG_BINDINGS */
    uint8_t active[16];       /* the active binding's mobile address */
} roam_handover_reg;

/* 0 with *out filled if p (len bytes) is a registration datagram of that
 * shape; -1 with err naming the first flaw. */
int roam_handover_reg_parse(const uint8_t *p, size_t len, roam_handover_reg *out, char *err,
                            size_t errlen);

/* Append v to w as a protobuf varint (w's sticky error if it does not fit). */
void roam_pb_varint_put(struct roam_wbuf *w, uint64_t v);

/* reg (len bytes, a registration of that shape) with field, a complete
 * encoded field of the Register (moa_attest.h's attestation), appended to
 * its Register, into out: the message's other fields copied as they are,
 * the Register's length rewritten.  The owner's signature covers canonical
 * bytes, not this encoding, so it still holds.  The new length, or 0 with
 * err (not of that shape, or out too small). */
size_t roam_handover_reg_append(const uint8_t *reg, size_t len, const uint8_t *field,
                                size_t flen, uint8_t *out, size_t cap, char *err,
                                size_t errlen);

#endif
