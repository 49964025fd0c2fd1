/* libFuzzer harness: what the IMS reads from the network
 * (src/mobility): a framed TCP message payload (ims_msg_decode) and a UDP
 * datagram (ims_dgram_decode), both decoded and validated.  The first byte
 * picks which.  An accepted message must frame again (it validates).  A
 * registration's host attestations then go through the IMS's check
 * (ims_attest.h) against one attestor, 2001:db8:a::/64 with RFC 8032's
 * first test key, at a fixed time (the seeds' attestations name it). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ims_attest.h"
#include "ims_dgram.h"
#include "ims_msg.h"

#define FUZZ_NOW 1765000000

static const uint8_t PUB[32] = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
};

static void attestations(const Roam__Ims__V1__Register *r)
{
    static ims_attestor one;
    static ims_attestors t = { 1, &one };
    if (!one.plen) {
        static const uint8_t prefix[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a };
        memcpy(one.prefix, prefix, 16);
        one.plen = 64;
        memcpy(one.pub, PUB, 32);
        if (roam_attest_key_id(PUB, one.key_id) < 0)
            abort();
    }
    for (size_t i = 0; i < r->n_moa_attestations; i++) {
        const char *why;
        if (ims_attest_check(&t, r, r->moa_attestations[i]->moa.data, FUZZ_NOW, &why) == 1)
            abort();   /* nobody has the key's signature over these bytes */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    ims_message *m = NULL;
    char err[256];
    int rc = (data[0] & 1) ? ims_dgram_decode(data + 1, size - 1, &m, err, sizeof err)
                           : ims_msg_decode(data + 1, size - 1, &m, err, sizeof err);
    if (rc != 0)
        return 0;
    if (ims_msg_validate(m, err, sizeof err) != 0)
        abort();
    if (m->body_case == ROAM__IMS__V1__MESSAGE__BODY_REGISTER)
        attestations(m->register_);
    ims_msg_free(m);
    return 0;
}
