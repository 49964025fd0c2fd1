/* roam's binary formats for FABEO objects (docs/abe.md, "File formats").
 *
 * Every object is   "ROAM" || type (1) || version (1) || I2OSP(len(body), 4) || body
 *
 *   type 1 MPK          body = ser_GT(A)                               (576 B)
 *   type 2 MSK          body = mpk_id (32) || alpha (32, 0 < alpha < r)
 *   type 3 user key     body = mpk_id (32)
 *                              || I2OSP(u, 2) || u x (I2OSP(len, 2) || user text)
 *                              || I2OSP(n, 2) || n x (I2OSP(len, 2) || string || sk2 (G1, 48))
 *                              || sk1 (G1, 48) || sk3 (G2, 96)
 *   type 4 ciphertext   body = ser(CT) of kem.h
 *
 * The user texts are the attributes as issued ("grade = 4"); the n strings
 * are their expansion, in the canonical sorted order, and must equal what
 * re-expanding the texts gives (so they are sorted, unique, one value per
 * numeric attribute).  Decoders are strict: exact lengths, bounded counts,
 * no trailing bytes, every point canonical, in its subgroup and not the
 * identity, scalars below r.  Version 1 is the only version. */
/* Internal to src/abe: the public encoders and decoders are in abe.h. */
#ifndef ROAM_ABE_FORMAT_H
#define ROAM_ABE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "abe.h"

#define ABE_OBJ_VERSION 1
#define ABE_OBJ_HEADER_BYTES 10
#define ABE_OBJ_MAX_BYTES (1u << 20)   /* no roam object is larger than 1 MiB */

/* The type and body of an object, header checked (magic, known type,
 * version, exact length).  body points into in. */
int abe_obj_parse_header(const uint8_t *in, size_t len, abe_obj_type *type, const uint8_t **body,
                         size_t *body_len);

/* Wraps ser(CT) in a ciphertext object (*out malloc'd, free it). */
int abe_encode_ct(const uint8_t *ser_ct, size_t ser_len, uint8_t **out, size_t *len);

/* The armor label of a type, e.g. "ROAM USER KEY". */
const char *abe_obj_label(abe_obj_type type);

#endif
