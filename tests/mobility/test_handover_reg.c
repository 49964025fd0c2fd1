/* The hosts' shape check of a handover's registration (src/net/
 * handover_reg.h) against the IMS's own codec: every registration
 * datagram the mobile node signs (1..8 bindings, the active one anywhere,
 * sequence numbers up to the largest) passes it with the same home
 * address, sequence number and active address; and what the tests write
 * as a registration (tests/net/reg_sample.h) is one for the IMS too. */
#include <arpa/inet.h>
#include <string.h>

#include <openssl/evp.h>

#include "../net/reg_sample.h"
#include "handover_reg.h"
#include "ims_dgram.h"
#include "tap.h"

static void test_signed(EVP_PKEY *key)
{
    uint8_t hoa[16], d[IMS_DGRAM_MAX];
    char err[256];
    inet_pton(AF_INET6, "2001:db8:e::10", hoa);
    static const uint64_t seqs[] = { 1, 127, 128, 1ull << 40, UINT64_MAX };
    int all = 1, checked = 0;
    size_t longest = 0;
    for (size_t n = 1; n <= IMS_MAX_BINDINGS; n++)
        for (size_t act = 0; act < n; act++)
            for (size_t k = 0; k < sizeof seqs / sizeof seqs[0]; k++) {
                ims_binding b[IMS_MAX_BINDINGS];
                for (size_t i = 0; i < n; i++) {
                    inet_pton(AF_INET6, "2001:db8:a::100", b[i].moa);
                    b[i].moa[15] = (uint8_t)i;
                    b[i].state = i == act ? IMS_ACTIVE : IMS_STANDBY;
                }
                size_t len = ims_dgram_register(key, hoa, seqs[k], b, n, d, err, sizeof err);
                roam_handover_reg r;
                int ok = len > 0 && roam_handover_reg_parse(d, len, &r, err, sizeof err) == 0 &&
                         memcmp(r.hoa, hoa, 16) == 0 && r.seq == seqs[k] &&
                         r.n_bindings == n && memcmp(r.active, b[act].moa, 16) == 0;
                if (!ok && all)
                    tap_diag("%zu bindings, active %zu, seq %llu: %s", n, act,
                             (unsigned long long)seqs[k], err);
                all = all && ok;
                checked++;
                if (len > longest)
                    longest = len;
            }
    tap_ok(all, "every signed registration (%d of them) passes the hosts' check as signed",
           checked);
    tap_ok(longest <= ROAM_HANDOVER_REG_SHAPE_MAX, "the longest, %zu bytes, is within the "
           "bound of %d", longest, ROAM_HANDOVER_REG_SHAPE_MAX);
}

static void test_samples(void)
{
    uint8_t moa[16], d[1024];
    char err[256];
    inet_pton(AF_INET6, "2001:db8:b::5054:ff:fe00:2", moa);
    struct reg_spec s;
    reg_spec_sample(&s, moa);
    for (int with_id = 0; with_id < 2; with_id++) {
        s.id = with_id ? 99 : 0;
        size_t len = reg_encode(&s, d, sizeof d);
        ims_message *m = NULL;
        int ok = ims_dgram_decode(d, len, &m, err, sizeof err) == 0 &&
                 m->body_case == ROAM__IMS__V1__MESSAGE__BODY_REGISTER &&
                 m->id == s.id && m->register_->seq == 7 && m->register_->n_bindings == 2 &&
                 memcmp(m->register_->hoa.data, s.hoa, 16) == 0 &&
                 memcmp(m->register_->bindings[1]->moa.data, moa, 16) == 0 &&
                 m->register_->bindings[1]->state ==
                     ROAM__IMS__V1__BINDING_STATE__BINDING_STATE_ACTIVE;
        tap_ok(ok, "the tests' sample registration%s is one for the IMS (%s)",
               with_id ? " with a request id" : "", ok ? "ok" : err);
        ims_msg_free(m);
    }
}

int main(void)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!tap_ok(key != NULL, "Ed25519 key"))
        return tap_done();
    test_signed(key);
    test_samples();
    EVP_PKEY_free(key);
    return tap_done();
}
