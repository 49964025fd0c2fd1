/* IMS message decoding, validation and encoding (see ims_msg.h). */
#include "ims_msg.h"

#include <string.h>

#include "errbuf.h"
#include "ims_token.h"
#include "moa_attest.h"
#include "pb_guard.h"

static int check_addr_field(const ProtobufCBinaryData *d, const char *what,
                            char *err, size_t errlen)
{
    if (d->len != IMS_ADDR_LEN)
        return roam_errf(err, errlen, "%s is %zu bytes, not %d", what, d->len, IMS_ADDR_LEN);
    return ims_addr_check(d->data, what, err, errlen);
}

static int check_bindings(Roam__Ims__V1__Binding *const *pb, size_t n, char *err, size_t errlen)
{
    if (n > IMS_MAX_BINDINGS)
        return roam_errf(err, errlen, "%zu mobile addresses, at most %d allowed", n,
                         IMS_MAX_BINDINGS);
    for (size_t i = 0; i < n; i++)
        if (!pb[i] || pb[i]->moa.len != IMS_ADDR_LEN)
            return roam_errf(err, errlen, "mobile address %zu is not %d bytes", i, IMS_ADDR_LEN);
    ims_binding b[IMS_MAX_BINDINGS];
    ims_bindings_from_pb(pb, n, b);
    return ims_bindings_check(b, n, err, errlen);
}

static int has_unknown(const ProtobufCMessage *m)
{
    return m && m->n_unknown_fields != 0;
}

/* Register.moa_attestations: at most as many as bindings, each of the
 * right sizes (what they prove is the server's to check). */
static int check_attestations(const Roam__Ims__V1__Register *r, char *err, size_t errlen)
{
    if (r->n_moa_attestations > IMS_MAX_BINDINGS)
        return roam_errf(err, errlen, "%zu mobile address attestations, at most %d allowed",
                         r->n_moa_attestations, IMS_MAX_BINDINGS);
    for (size_t i = 0; i < r->n_moa_attestations; i++) {
        const Roam__Ims__V1__MoaAttestation *a = r->moa_attestations[i];
        if (!a || has_unknown(&a->base))
            return roam_errf(err, errlen, "attestation %zu carries unknown fields", i);
        if (check_addr_field(&a->moa, "attested mobile address", err, errlen) < 0)
            return -1;
        if (a->key_id.len != ROAM_ATTEST_KEY_ID_LEN || a->signature.len != IMS_SIG_LEN)
            return roam_errf(err, errlen, "attestation %zu: key id of %zu bytes and signature "
                             "of %zu, not %d and %d", i, a->key_id.len, a->signature.len,
                             ROAM_ATTEST_KEY_ID_LEN, IMS_SIG_LEN);
    }
    return 0;
}

int ims_msg_validate(const ims_message *m, char *err, size_t errlen)
{
    if (m->version != IMS_PROTO_VERSION)
        return roam_errf(err, errlen, "protocol version %u, this side speaks %u",
                         m->version, IMS_PROTO_VERSION);
    if (has_unknown(&m->base))
        return roam_errf(err, errlen, "message carries unknown fields");
    switch (m->body_case) {
    case ROAM__IMS__V1__MESSAGE__BODY_REGISTER: {
        const Roam__Ims__V1__Register *r = m->register_;
        if (has_unknown(&r->base))
            return roam_errf(err, errlen, "register carries unknown fields");
        if (check_addr_field(&r->hoa, "home address", err, errlen) < 0)
            return -1;
        if (r->seq == 0)
            return roam_errf(err, errlen, "sequence number 0 is never valid");
        if (r->signature.len != IMS_SIG_LEN)
            return roam_errf(err, errlen, "signature is %zu bytes, not %d", r->signature.len,
                             IMS_SIG_LEN);
        if (r->n_moa_tokens > IMS_MAX_BINDINGS)
            return roam_errf(err, errlen, "%zu mobile address tokens, at most %d allowed",
                             r->n_moa_tokens, IMS_MAX_BINDINGS);
        for (size_t i = 0; i < r->n_moa_tokens; i++)
            if (r->moa_tokens[i].len != IMS_TOKEN_LEN)
                return roam_errf(err, errlen, "mobile address token %zu is %zu bytes, not %d",
                                 i, r->moa_tokens[i].len, IMS_TOKEN_LEN);
        if (check_attestations(r, err, errlen) < 0)
            return -1;
        return check_bindings(r->bindings, r->n_bindings, err, errlen);
    }
    case ROAM__IMS__V1__MESSAGE__BODY_QUERY:
        return check_addr_field(&m->query->hoa, "home address", err, errlen);
    case ROAM__IMS__V1__MESSAGE__BODY_SUBSCRIBE: {
        const Roam__Ims__V1__Subscribe *s = m->subscribe;
        if (s->n_hoas == 0 || s->n_hoas > IMS_MAX_SUBSCRIBE)
            return roam_errf(err, errlen, "subscribe lists %zu home addresses (1..%d)",
                             s->n_hoas, IMS_MAX_SUBSCRIBE);
        for (size_t i = 0; i < s->n_hoas; i++)
            if (check_addr_field(&s->hoas[i], "home address", err, errlen) < 0)
                return -1;
        return 0;
    }
    case ROAM__IMS__V1__MESSAGE__BODY_MAPPING: {
        const Roam__Ims__V1__Mapping *p = m->mapping;
        if (check_addr_field(&p->hoa, "home address", err, errlen) < 0)
            return -1;
        if (!p->known && (p->seq || p->n_bindings))
            return roam_errf(err, errlen, "mapping of an unknown address carries data");
        return check_bindings(p->bindings, p->n_bindings, err, errlen);
    }
    case ROAM__IMS__V1__MESSAGE__BODY_ACK: {
        const Roam__Ims__V1__Ack *k = m->ack;
        if (has_unknown(&k->base))
            return roam_errf(err, errlen, "ack carries unknown fields");
        if (k->hoa.len && check_addr_field(&k->hoa, "home address", err, errlen) < 0)
            return -1;
        if (k->signature.len && k->signature.len != IMS_SIG_LEN)
            return roam_errf(err, errlen, "ack signature is %zu bytes, not %d",
                             k->signature.len, IMS_SIG_LEN);
        return 0;
    }
    case ROAM__IMS__V1__MESSAGE__BODY_MOA_CHALLENGE: {
        const Roam__Ims__V1__MoaChallenge *c = m->moa_challenge;
        if (has_unknown(&c->base))
            return roam_errf(err, errlen, "challenge carries unknown fields");
        if (check_addr_field(&c->hoa, "home address", err, errlen) < 0 ||
            check_addr_field(&c->moa, "mobile address", err, errlen) < 0)
            return -1;
        if (c->seq == 0)
            return roam_errf(err, errlen, "sequence number 0 is never valid");
        if (c->token.len != IMS_TOKEN_LEN)
            return roam_errf(err, errlen, "token is %zu bytes, not %d", c->token.len,
                             IMS_TOKEN_LEN);
        return 0;
    }
    case ROAM__IMS__V1__MESSAGE__BODY_ERROR:
        if (m->error->message && strlen(m->error->message) > IMS_ERRMSG_MAX)
            return roam_errf(err, errlen, "error text over %d bytes", IMS_ERRMSG_MAX);
        return 0;
    default:
        return roam_errf(err, errlen, "message has no body");
    }
}

int ims_msg_decode(const uint8_t *buf, size_t len, ims_message **out, char *err, size_t errlen)
{
    *out = NULL;
    if (len == 0 || len > IMS_FRAME_MAX)
        return roam_errf(err, errlen, "message of %zu bytes (1..%d)", len, IMS_FRAME_MAX);
    /* Scanned first and unpacked under a cap: anyone may send this, TLS
     * client certificates being optional, and datagrams not even that. */
    char why[ROAM_ERR_MAX];
    ims_message *m = (ims_message *)roam_pb_unpack(&roam__ims__v1__message__descriptor, buf, len,
                                                   ROAM_PB_CAP(len), why, sizeof why);
    if (!m)
        return roam_errf(err, errlen, "message does not decode (%s)", why);
    if (ims_msg_validate(m, err, errlen) < 0) {
        ims_msg_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

void ims_msg_free(ims_message *m)
{
    if (m)
        roam__ims__v1__message__free_unpacked(m, NULL);
}

size_t ims_msg_frame(ims_message *m, uint8_t *out, size_t cap, char *err, size_t errlen)
{
    m->version = IMS_PROTO_VERSION;
    char why[ROAM_ERR_MAX];
    if (ims_msg_validate(m, why, sizeof why) < 0) {
        roam_errf(err, errlen, "refusing to send an invalid %s: %s", ims_msg_body_name(m), why);
        return 0;
    }
    size_t n = roam__ims__v1__message__get_packed_size(m);
    if (n == 0 || n > IMS_FRAME_MAX || cap < 4 || n > cap - 4) {
        roam_errf(err, errlen, "%s message of %zu bytes does not fit", ims_msg_body_name(m), n);
        return 0;
    }
    out[0] = (uint8_t)(n >> 24);
    out[1] = (uint8_t)(n >> 16);
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    if (roam__ims__v1__message__pack(m, out + 4) != n) {
        roam_errf(err, errlen, "protobuf packing size mismatch");
        return 0;
    }
    return n + 4;
}

static void bindings_view(ims_pb_bindings *v, const ims_binding *b, size_t n)
{
    for (size_t i = 0; i < n && i < IMS_MAX_BINDINGS; i++) {
        roam__ims__v1__binding__init(&v->b[i]);
        v->b[i].moa.data = (uint8_t *)b[i].moa;
        v->b[i].moa.len = IMS_ADDR_LEN;
        v->b[i].state = (Roam__Ims__V1__BindingState)b[i].state;
        v->p[i] = &v->b[i];
    }
}

void ims_pb_mapping_set(ims_pb_mapping *v, const ims_mapping *m, int known)
{
    roam__ims__v1__mapping__init(&v->m);
    v->m.hoa.data = (uint8_t *)m->hoa;
    v->m.hoa.len = IMS_ADDR_LEN;
    if (!known)
        return;
    v->m.known = 1;
    v->m.seq = m->seq;
    v->m.updated_ms = m->updated_ms > 0 ? (uint64_t)m->updated_ms : 0;
    size_t n = m->n < IMS_MAX_BINDINGS ? m->n : IMS_MAX_BINDINGS;
    bindings_view(&v->bs, m->b, n);
    v->m.n_bindings = n;
    v->m.bindings = v->bs.p;
}

void ims_pb_register_set(ims_pb_register *v, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                         const ims_binding *b, size_t n, const uint8_t sig[IMS_SIG_LEN])
{
    roam__ims__v1__register__init(&v->r);
    v->r.hoa.data = (uint8_t *)hoa;
    v->r.hoa.len = IMS_ADDR_LEN;
    v->r.seq = seq;
    if (n > IMS_MAX_BINDINGS)
        n = IMS_MAX_BINDINGS;
    bindings_view(&v->bs, b, n);
    v->r.n_bindings = n;
    v->r.bindings = v->bs.p;
    v->r.signature.data = (uint8_t *)sig;
    v->r.signature.len = IMS_SIG_LEN;
}

void ims_bindings_from_pb(Roam__Ims__V1__Binding *const *pb, size_t n, ims_binding *b)
{
    for (size_t i = 0; i < n && i < IMS_MAX_BINDINGS; i++) {
        memcpy(b[i].moa, pb[i]->moa.data, IMS_ADDR_LEN);
        b[i].state = (int)pb[i]->state;
    }
}

void ims_mapping_from_pb(const Roam__Ims__V1__Mapping *pm, ims_mapping *m)
{
    memset(m, 0, sizeof *m);
    memcpy(m->hoa, pm->hoa.data, IMS_ADDR_LEN);
    m->seq = pm->seq;
    m->updated_ms = pm->updated_ms <= INT64_MAX ? (int64_t)pm->updated_ms : INT64_MAX;
    m->n = pm->n_bindings < IMS_MAX_BINDINGS ? pm->n_bindings : IMS_MAX_BINDINGS;
    ims_bindings_from_pb(pm->bindings, m->n, m->b);
}

const char *ims_msg_body_name(const ims_message *m)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &roam__ims__v1__message__descriptor, (int)m->body_case);
    return f ? f->name : "empty";
}

void ims_sanitize(const char *in, char *out, size_t outlen)
{
    if (!outlen)
        return;
    size_t k = 0;
    for (; in && *in && k + 1 < outlen; in++)
        out[k++] = (*in >= 0x20 && *in < 0x7f) ? *in : '?';
    out[k] = '\0';
}
