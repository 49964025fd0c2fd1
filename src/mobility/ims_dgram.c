/* Registration datagrams (see ims_dgram.h). */
#include "ims_dgram.h"

#include <string.h>

#include "errbuf.h"
#include "ims_client.h"
#include "ims_sign.h"

size_t ims_dgram_encode(ims_message *m, uint8_t out[IMS_DGRAM_MAX], char *err, size_t errlen)
{
    /* Same validation and packing as a TLS frame; only the prefix goes. */
    uint8_t frame[IMS_DGRAM_MAX + 4];
    size_t n = ims_msg_frame(m, frame, sizeof frame, err, errlen);
    if (n <= 4)
        return 0;
    memcpy(out, frame + 4, n - 4);
    return n - 4;
}

int ims_dgram_decode(const uint8_t *buf, size_t len, ims_message **out, char *err, size_t errlen)
{
    *out = NULL;
    if (len == 0 || len > IMS_DGRAM_MAX)
        return roam_errf(err, errlen, "datagram of %zu bytes (1..%d)", len, IMS_DGRAM_MAX);
    return ims_msg_decode(buf, len, out, err, errlen);
}

size_t ims_dgram_register(EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                          const ims_binding *b, size_t n, uint8_t out[IMS_DGRAM_MAX],
                          char *err, size_t errlen)
{
    uint8_t sig[IMS_SIG_LEN];
    ims_pb_register v;
    ims_message m;
    if (ims_register_build(&m, &v, sig, key, hoa, seq, b, n, err, errlen) < 0)
        return 0;
    return ims_dgram_encode(&m, out, err, errlen);
}

size_t ims_dgram_ack(EVP_PKEY *ims_key, const ims_mapping *m, uint8_t out[IMS_DGRAM_MAX],
                     char *err, size_t errlen)
{
    uint8_t sig[IMS_SIG_LEN];
    if (ims_sign_ack(ims_key, m->hoa, m->seq, m->b, m->n, sig, err, errlen) < 0)
        return 0;
    Roam__Ims__V1__Ack a = ROAM__IMS__V1__ACK__INIT;
    a.seq = m->seq;
    a.hoa.data = (uint8_t *)m->hoa;
    a.hoa.len = IMS_ADDR_LEN;
    a.signature.data = sig;
    a.signature.len = IMS_SIG_LEN;
    ims_message msg = ROAM__IMS__V1__MESSAGE__INIT;
    msg.body_case = ROAM__IMS__V1__MESSAGE__BODY_ACK;
    msg.ack = &a;
    return ims_dgram_encode(&msg, out, err, errlen);
}

int ims_dgram_ack_ok(const uint8_t *buf, size_t len, const uint8_t ims_pub[IMS_PUBKEY_LEN],
                     const ims_mapping *pending, char *err, size_t errlen)
{
    ims_message *m;
    if (ims_dgram_decode(buf, len, &m, err, errlen) < 0)
        return 0;
    int ok = 0;
    if (m->body_case != ROAM__IMS__V1__MESSAGE__BODY_ACK)
        roam_errf(err, errlen, "a %s datagram, not an ack", ims_msg_body_name(m));
    else if (m->ack->hoa.len != IMS_ADDR_LEN || m->ack->signature.len != IMS_SIG_LEN)
        roam_errf(err, errlen, "unsigned ack");
    else if (memcmp(m->ack->hoa.data, pending->hoa, IMS_ADDR_LEN) != 0 ||
             m->ack->seq != pending->seq)
        roam_errf(err, errlen, "ack for another registration (seq %llu)",
                  (unsigned long long)m->ack->seq);
    else if (ims_verify_ack(ims_pub, pending->hoa, pending->seq, pending->b, pending->n,
                            m->ack->signature.data, err, errlen) != 1)
        roam_errf(err, errlen, "ack signature does not verify (forged?)");
    else
        ok = 1;
    ims_msg_free(m);
    return ok;
}

size_t ims_dgram_challenge(const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                           const uint8_t moa[IMS_ADDR_LEN], const uint8_t token[IMS_TOKEN_LEN],
                           uint8_t out[IMS_DGRAM_MAX], char *err, size_t errlen)
{
    Roam__Ims__V1__MoaChallenge c = ROAM__IMS__V1__MOA_CHALLENGE__INIT;
    c.hoa.data = (uint8_t *)hoa;
    c.hoa.len = IMS_ADDR_LEN;
    c.seq = seq;
    c.moa.data = (uint8_t *)moa;
    c.moa.len = IMS_ADDR_LEN;
    c.token.data = (uint8_t *)token;
    c.token.len = IMS_TOKEN_LEN;
    ims_message msg = ROAM__IMS__V1__MESSAGE__INIT;
    msg.body_case = ROAM__IMS__V1__MESSAGE__BODY_MOA_CHALLENGE;
    msg.moa_challenge = &c;
    return ims_dgram_encode(&msg, out, err, errlen);
}

int ims_dgram_challenge_for(const uint8_t *buf, size_t len, const ims_mapping *pending,
                            size_t *which, uint8_t token[IMS_TOKEN_LEN], char *err,
                            size_t errlen)
{
    ims_message *m;
    if (ims_dgram_decode(buf, len, &m, err, errlen) < 0)
        return 0;
    int ok = 0;
    const Roam__Ims__V1__MoaChallenge *c = m->moa_challenge;
    if (m->body_case != ROAM__IMS__V1__MESSAGE__BODY_MOA_CHALLENGE)
        roam_errf(err, errlen, "a %s datagram, not a challenge", ims_msg_body_name(m));
    else if (memcmp(c->hoa.data, pending->hoa, IMS_ADDR_LEN) != 0 || c->seq != pending->seq)
        roam_errf(err, errlen, "challenge for another registration (seq %llu)",
                  (unsigned long long)c->seq);
    else {
        for (size_t i = 0; i < pending->n && !ok; i++)
            if (memcmp(pending->b[i].moa, c->moa.data, IMS_ADDR_LEN) == 0) {
                ok = 1;
                *which = i;
            }
        if (ok)
            memcpy(token, c->token.data, IMS_TOKEN_LEN);
        else
            roam_errf(err, errlen, "challenge for an address not in the registration");
    }
    ims_msg_free(m);
    return ok;
}

size_t ims_dgram_with_tokens(const uint8_t *reg, size_t len, const uint8_t (*tok)[IMS_TOKEN_LEN],
                             size_t n, uint8_t out[IMS_DGRAM_MAX], char *err, size_t errlen)
{
    ims_message *m;
    if (n > IMS_MAX_BINDINGS) {
        roam_errf(err, errlen, "%zu tokens, at most %d", n, IMS_MAX_BINDINGS);
        return 0;
    }
    if (ims_dgram_decode(reg, len, &m, err, errlen) < 0)
        return 0;
    size_t r = 0;
    if (m->body_case != ROAM__IMS__V1__MESSAGE__BODY_REGISTER) {
        roam_errf(err, errlen, "not a registration");
    } else {
        /* Point the message at the caller's tokens for packing only; the
         * decoded ones (if any) are freed with the message. */
        ProtobufCBinaryData views[IMS_MAX_BINDINGS];
        for (size_t i = 0; i < n; i++)
            views[i] = (ProtobufCBinaryData){ IMS_TOKEN_LEN, (uint8_t *)tok[i] };
        size_t old_n = m->register_->n_moa_tokens;
        ProtobufCBinaryData *old = m->register_->moa_tokens;
        m->register_->n_moa_tokens = n;
        m->register_->moa_tokens = views;
        r = ims_dgram_encode(m, out, err, errlen);
        m->register_->n_moa_tokens = old_n;
        m->register_->moa_tokens = old;
    }
    ims_msg_free(m);
    return r;
}
