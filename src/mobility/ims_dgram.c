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
