/* IMS messages at the wire edge: decode and validate one frame payload into
 * a Message, encode a Message into a length-prefixed frame, and convert
 * between protobuf structs and ims_types.h's plain structs.  Every rule a
 * receiver enforces is checked before sending too. */
#ifndef ROAM_MOBILITY_IMS_MSG_H
#define ROAM_MOBILITY_IMS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ims.pb-c.h"
#include "ims_types.h"

typedef Roam__Ims__V1__Message ims_message;

/* Decode and validate.  0 with *out set (free with ims_msg_free), or -1. */
int ims_msg_decode(const uint8_t *buf, size_t len, ims_message **out, char *err, size_t errlen);

/* Check every field rule (version, sizes, addresses, binding lists). */
int ims_msg_validate(const ims_message *m, char *err, size_t errlen);

void ims_msg_free(ims_message *m);

/* Set version, validate, and write [4-byte length][payload] into out.
 * Returns the frame length, or 0 with err filled. */
size_t ims_msg_frame(ims_message *m, uint8_t *out, size_t cap, char *err, size_t errlen);

/* Protobuf views of plain structs.  The view points into itself and into
 * the source struct: keep both alive while the view is used. */
typedef struct ims_pb_bindings {
    Roam__Ims__V1__Binding b[IMS_MAX_BINDINGS];
    Roam__Ims__V1__Binding *p[IMS_MAX_BINDINGS];
} ims_pb_bindings;

typedef struct ims_pb_mapping {
    Roam__Ims__V1__Mapping m;
    ims_pb_bindings bs;
} ims_pb_mapping;

typedef struct ims_pb_register {
    Roam__Ims__V1__Register r;
    ims_pb_bindings bs;
} ims_pb_register;

/* known=0 sends only the HoA. */
void ims_pb_mapping_set(ims_pb_mapping *v, const ims_mapping *m, int known);
void ims_pb_register_set(ims_pb_register *v, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                         const ims_binding *b, size_t n, const uint8_t sig[IMS_SIG_LEN]);

/* From validated messages (so lengths are already right). */
void ims_mapping_from_pb(const Roam__Ims__V1__Mapping *pm, ims_mapping *m);
void ims_bindings_from_pb(Roam__Ims__V1__Binding *const *pb, size_t n, ims_binding *b);

/* "register", "mapping", ... for logs. */
const char *ims_msg_body_name(const ims_message *m);

/* Copy peer text for a log line: printable ASCII kept, the rest as '?'. */
void ims_sanitize(const char *in, char *out, size_t outlen);

#endif
