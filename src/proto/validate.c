/* Protocol rules for a decoded Envelope (roam_msg_validate, msg.h).
 *
 * protobuf-c accepts anything that parses: unknown fields, unknown enum
 * numbers, byte strings of any size.  A generic walk over the descriptors
 * refuses those everywhere, then a small table adds per-field bounds, and a
 * few checks tie fields together ("error set iff not ok"). */
#include <stdint.h>
#include <string.h>

#include "errbuf.h"
#include "msg.h"
#include "text.h"
#include "transcript.h"
#include "wire_limits.h"

/* transcript.h's roles are the wire's roles; keep them from drifting. */
_Static_assert((int)ROAM_ROLE_ACCEPT == (int)ROAM__V1__ROLE__ROLE_ACCEPT &&
               (int)ROAM_ROLE_MIGRATE == (int)ROAM__V1__ROLE__ROLE_MIGRATE, "role numbers");

/* Bounds for one field: a length for string/bytes, a value for enums. */
struct rule {
    const ProtobufCMessageDescriptor *msg;
    const char *field;
    size_t min, max;
};

static const struct rule rules[] = {
    { &roam__v1__authenticate__descriptor, "role", 1, 2 },
    { &roam__v1__authenticate__descriptor, "vm", 1, ROAM_NAME_MAX },
    { &roam__v1__authenticate__descriptor, "src", 1, ROAM_NAME_MAX },
    { &roam__v1__authenticate__descriptor, "dst", 1, ROAM_NAME_MAX },
    { &roam__v1__authenticate__descriptor, "query_id", ROAM_QUERY_ID_LEN, ROAM_QUERY_ID_LEN },
    { &roam__v1__authenticate__descriptor, "key_fingerprint", 0, 32 },
    { &roam__v1__challenge__descriptor, "ciphertext", 1, ROAM_CIPHERTEXT_MAX },
    { &roam__v1__challenge__descriptor, "policy", 1, ROAM_POLICY_MAX },
    { &roam__v1__challenge__descriptor, "nonce", ROAM_NONCE_LEN, ROAM_NONCE_LEN },
    { &roam__v1__challenge__descriptor, "sealed", 0, ROAM_SEALED_MAX },
    { &roam__v1__response__descriptor, "mac", ROAM_MAC_LEN, ROAM_MAC_LEN },
    { &roam__v1__error__descriptor, "phase", 1, SIZE_MAX },
    { &roam__v1__error__descriptor, "message", 1, ROAM_MESSAGE_MAX },
    { &roam__v1__admission_query__descriptor, "vm", 1, ROAM_NAME_MAX },
    { &roam__v1__admission_query__descriptor, "src", 1, ROAM_NAME_MAX },
    { &roam__v1__admission_query__descriptor, "query_id", ROAM_QUERY_ID_LEN, ROAM_QUERY_ID_LEN },
    { &roam__v1__ra_fetch__descriptor, "vm", 1, ROAM_NAME_MAX },
    { &roam__v1__ra_fetch__descriptor, "query_id", ROAM_QUERY_ID_LEN, ROAM_QUERY_ID_LEN },
    { &roam__v1__ra_answer__descriptor, "ra", 0, ROAM_RA_MAX },
    { &roam__v1__ra_answer__descriptor, "source", 0, 16 },
    { &roam__v1__post_process__descriptor, "vm", 1, ROAM_NAME_MAX },
    { &roam__v1__post_process__descriptor, "query_id", ROAM_QUERY_ID_LEN, ROAM_QUERY_ID_LEN },
    { &roam__v1__post_process__descriptor, "primary_mac", 6, 6 },
    { &roam__v1__post_process__descriptor, "secondary_mac", 6, 6 },
    { &roam__v1__post_process_done__descriptor, "address", 0, 16 },
    { &roam__v1__switch_handover__descriptor, "moa", 16, 16 },
    { &roam__v1__switch_handover__descriptor, "ims_address", 16, 16 },
    { &roam__v1__switch_handover__descriptor, "registration", 1, ROAM_REGISTRATION_MAX },
    { &roam__v1__disk_spec__descriptor, "dev", 1, ROAM_DISK_DEV_MAX },
    { &roam__v1__disk_spec__descriptor, "format", 1, ROAM_DISK_FORMAT_MAX },
    { &roam__v1__disk_spec__descriptor, "path", 0, ROAM_DISK_PATH_MAX },
    { &roam__v1__prepare_disks__descriptor, "vm", 1, ROAM_NAME_MAX },
    { &roam__v1__prepare_disks__descriptor, "query_id", ROAM_QUERY_ID_LEN, ROAM_QUERY_ID_LEN },
    { &roam__v1__disk_target__descriptor, "dev", 1, ROAM_DISK_DEV_MAX },
    { &roam__v1__disk_target__descriptor, "path", 1, ROAM_DISK_PATH_MAX },
    { &roam__v1__disk_spec__descriptor, "base_sha256", 0, ROAM_DISK_DIGEST_LEN },
    { &roam__v1__disk_spec__descriptor, "base_format", 0, ROAM_DISK_FORMAT_MAX },
    { &roam__v1__disk_target__descriptor, "base_name", 0, ROAM_DISK_BASE_NAME_MAX },
    { &roam__v1__locate__descriptor, "query_id", ROAM_QUERY_ID_LEN, ROAM_QUERY_ID_LEN },
    { &roam__v1__locate__descriptor, "mac", ROAM_MAC_LEN, ROAM_MAC_LEN },
    { &roam__v1__locate_answer__descriptor, "location", 1, 3 },
};

/* Nesting in roam.proto is at most 3 deep; anything deeper is hostile. */
#define MAX_DEPTH 8

static const struct rule *rule_for(const ProtobufCMessageDescriptor *d,
                                   const ProtobufCFieldDescriptor *f)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i].msg == d && strcmp(rules[i].field, f->name) == 0)
            return &rules[i];
    return NULL;
}

static int check_range(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                       size_t v, const char *what, char *err, size_t errlen)
{
    const struct rule *r = rule_for(d, f);
    if (!r || (v >= r->min && v <= r->max))
        return 0;
    if (r->min == r->max)
        return roam_errf(err, errlen, "%s.%s: %s %zu, must be exactly %zu",
                         d->short_name, f->name, what, v, r->min);
    if (v < r->min && r->min == 1)
        return roam_errf(err, errlen, "%s.%s: missing", d->short_name, f->name);
    return roam_errf(err, errlen, "%s.%s: %s %zu, allowed %zu..%zu",
                     d->short_name, f->name, what, v, r->min, r->max);
}

static int check_text(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                      const char *s, char *err, size_t errlen)
{
    const char *why;
    size_t at = roam_text_check(s, &why);
    if (at != (size_t)-1)
        return roam_errf(err, errlen, "%s.%s: %s at byte %zu", d->short_name, f->name, why, at);
    return 0;
}

static int walk(const ProtobufCMessage *m, int depth, char *err, size_t errlen);

static int check_field(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
                       const void *p, int depth, char *err, size_t errlen)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    switch (f->type) {
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = *(ProtobufCMessage *const *)p;
        return sub ? walk(sub, depth + 1, err, errlen) : 0;
    }
    case PROTOBUF_C_TYPE_ENUM: {
        int v = *(const int *)p;
        if (!protobuf_c_enum_descriptor_get_value(f->descriptor, v))
            return roam_errf(err, errlen, "%s.%s: unknown value %d", d->short_name, f->name, v);
        return check_range(d, f, v < 0 ? 0 : (size_t)v, "value", err, errlen);
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        if (!s)
            s = "";
        if (check_range(d, f, strlen(s), "length", err, errlen) < 0)
            return -1;
        return check_text(d, f, s, err, errlen);
    }
    case PROTOBUF_C_TYPE_BYTES:
        return check_range(d, f, ((const ProtobufCBinaryData *)p)->len, "length", err, errlen);
    default:
        return 0;   /* scalars: every value is meaningful */
    }
}

static int walk(const ProtobufCMessage *m, int depth, char *err, size_t errlen)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (depth > MAX_DEPTH)
        return roam_errf(err, errlen, "%s: nested too deeply", d->short_name);
    if (m->n_unknown_fields > 0)
        return roam_errf(err, errlen, "%s: unknown field number %u (sent by a newer or foreign peer)",
                         d->short_name, m->unknown_fields[0].tag);
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *base = (const char *)m;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            /* Only the oneof member actually set is meaningful. */
            if (*(const uint32_t *)(base + f->quantifier_offset) != f->id)
                continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(base + f->quantifier_offset);
            const char *arr = *(char *const *)(base + f->offset);
            size_t esz = f->type == PROTOBUF_C_TYPE_MESSAGE ? sizeof(void *)
                       : f->type == PROTOBUF_C_TYPE_STRING ? sizeof(char *)
                       : f->type == PROTOBUF_C_TYPE_BYTES ? sizeof(ProtobufCBinaryData)
                       : f->type == PROTOBUF_C_TYPE_ENUM ? sizeof(int) : 0;
            for (size_t k = 0; esz && k < n; k++)
                if (check_field(m, f, arr + k * esz, depth, err, errlen) < 0)
                    return -1;
            continue;
        }
        if (check_field(m, f, base + f->offset, depth, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* "error set iff not ok" for the three answers that carry both. */
static int check_outcome(const char *name, int ok, const Roam__V1__Error *e,
                         char *err, size_t errlen)
{
    if (ok && e)
        return roam_errf(err, errlen, "%s: success must not carry an error", name);
    if (!ok && !e)
        return roam_errf(err, errlen, "%s: failure without an error", name);
    return 0;
}

/* The disk list's size, and a path exactly for the shared disks. */
static int check_disks(const Roam__V1__PrepareDisks *p, char *err, size_t errlen)
{
    if (p->n_disks > ROAM_DISKS_MAX)
        return roam_errf(err, errlen, "PrepareDisks: %zu disks, at most %d", p->n_disks,
                         ROAM_DISKS_MAX);
    for (size_t i = 0; i < p->n_disks; i++) {
        const Roam__V1__DiskSpec *d = p->disks[i];
        if (!d->capacity)
            return roam_errf(err, errlen, "PrepareDisks: disk %s has no capacity", d->dev);
        if (!d->shared != !(d->path && *d->path))
            return roam_errf(err, errlen, "PrepareDisks: disk %s: a path iff shared", d->dev);
        /* A base is named whole or not at all. */
        int digest = d->base_sha256.len != 0, fmt = d->base_format && *d->base_format;
        if (digest && d->base_sha256.len != ROAM_DISK_DIGEST_LEN)
            return roam_errf(err, errlen, "PrepareDisks: disk %s: base digest of %zu bytes, "
                             "not %d", d->dev, d->base_sha256.len, ROAM_DISK_DIGEST_LEN);
        if (digest != fmt || digest != (d->base_size != 0))
            return roam_errf(err, errlen, "PrepareDisks: disk %s: a base needs its digest, "
                             "size and format together", d->dev);
    }
    return 0;
}

int roam_msg_validate(const roam_envelope *env, char *err, size_t errlen)
{
    if (env->version != ROAM_PROTO_VERSION)
        return roam_errf(err, errlen, "protocol version mismatch: peer speaks %u, we speak %u",
                         env->version, ROAM_PROTO_VERSION);
    if (env->body_case == ROAM__V1__ENVELOPE__BODY__NOT_SET)
        return roam_errf(err, errlen, "envelope carries no message");
    if (!protobuf_c_message_descriptor_get_field(&roam__v1__envelope__descriptor, env->body_case))
        return roam_errf(err, errlen, "envelope carries unknown message %d", (int)env->body_case);
    /* Every body member is a message pointer; a NULL one is malformed. */
    if (!env->authenticate)
        return roam_errf(err, errlen, "envelope body %s is empty",
                         roam_msg_body_name(env->body_case));
    if (walk(&env->base, 0, err, errlen) < 0)
        return -1;

    switch (env->body_case) {
    case ROAM__V1__ENVELOPE__BODY_AUTHENTICATE:
        if (env->authenticate->key_fingerprint.len != 0 &&
            env->authenticate->key_fingerprint.len != 32)
            return roam_errf(err, errlen, "Authenticate: key_fingerprint must be 32 bytes or empty");
        return 0;
    case ROAM__V1__ENVELOPE__BODY_RESULT:
        return check_outcome("Result", env->result->ok, env->result->error, err, errlen);
    case ROAM__V1__ENVELOPE__BODY_MIGRATE_DONE:
        return check_outcome("MigrateDone", env->migrate_done->ok, env->migrate_done->error,
                             err, errlen);
    case ROAM__V1__ENVELOPE__BODY_ADMISSION_ANSWER:
        return check_outcome("AdmissionAnswer", env->admission_answer->granted,
                             env->admission_answer->error, err, errlen);
    case ROAM__V1__ENVELOPE__BODY_RA_ANSWER:
        if (env->ra_answer->source.len != (env->ra_answer->ra.len > 0 ? 16u : 0u))
            return roam_errf(err, errlen, "RaAnswer: source must be 16 bytes iff ra is set");
        return check_outcome("RaAnswer", env->ra_answer->ra.len > 0, env->ra_answer->error,
                             err, errlen);
    case ROAM__V1__ENVELOPE__BODY_POST_PROCESS_DONE:
        if (env->post_process_done->address.len != 0 && env->post_process_done->address.len != 16)
            return roam_errf(err, errlen, "PostProcessDone: address must be 16 bytes or empty");
        return check_outcome("PostProcessDone", env->post_process_done->ok,
                             env->post_process_done->error, err, errlen);
    case ROAM__V1__ENVELOPE__BODY_SWITCH_HANDOVER:
        /* Scalars escape the rule table: the port is checked here. */
        if (env->switch_handover->ims_port == 0 || env->switch_handover->ims_port > 65535)
            return roam_errf(err, errlen, "SwitchHandover.ims_port: %u, allowed 1..65535",
                             env->switch_handover->ims_port);
        return 0;
    case ROAM__V1__ENVELOPE__BODY_PREPARE_DISKS:
        return check_disks(env->prepare_disks, err, errlen);
    case ROAM__V1__ENVELOPE__BODY_DISKS_READY:
        if (env->disks_ready->n_targets > ROAM_DISKS_MAX)
            return roam_errf(err, errlen, "DisksReady: %zu targets, at most %d",
                             env->disks_ready->n_targets, ROAM_DISKS_MAX);
        if (!env->disks_ready->ok && env->disks_ready->n_targets)
            return roam_errf(err, errlen, "DisksReady: a refusal carries no targets");
        return check_outcome("DisksReady", env->disks_ready->ok, env->disks_ready->error,
                             err, errlen);
    default:
        return 0;
    }
}
