/* ims_reg: one signed registration through one IMS front-end, for the lab
 * tests that must tell an acknowledgement from a refusal (a front-end
 * whose etcd member is cut off must refuse, not acknowledge).
 *   ims_reg ADDRESS PORT CA KEY HOA SEQ MOA
 * Prints what came back; exit 0 acknowledged, 3 refused (Error), 4 no
 * answer within 10 s, 1 anything else (connection, arguments). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "ims_client.h"
#include "ims_sign.h"

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: ims_reg ADDRESS PORT CA KEY HOA SEQ MOA\n");
        return 1;
    }
    char err[ROAM_ERR_MAX] = "", *end;
    uint8_t hoa[IMS_ADDR_LEN];
    ims_binding b = { .state = IMS_ACTIVE };
    unsigned long long seq = strtoull(argv[6], &end, 10);
    if (ims_addr_parse(argv[5], hoa) < 0 || ims_addr_parse(argv[7], b.moa) < 0 || *end ||
        seq == 0) {
        fprintf(stderr, "ims_reg: HOA and MOA are IPv6 addresses, SEQ a positive number\n");
        return 1;
    }
    EVP_PKEY *key = ims_key_load_private(argv[4], err, sizeof err);
    roam_tls_ctx *tls = key ? roam_tls_client_ctx(argv[3], NULL, NULL, err, sizeof err) : NULL;
    ims_client *c = tls ? ims_client_connect(tls, argv[1], argv[2], NULL, NULL, NULL, 5000, err,
                                             sizeof err)
                        : NULL;
    uint64_t id;
    ims_message *m = NULL;
    int rc = 1, got = -1;
    if (c && ims_client_register(c, key, hoa, seq, &b, 1, &id, err, sizeof err) == 0)
        got = ims_client_wait(c, id, &m, 10000, NULL, NULL, err, sizeof err);
    if (got == 1 && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ACK && m->ack->seq == seq) {
        printf("acknowledged seq %llu\n", seq);
        rc = 0;
    } else if (got == 1 && m->body_case == ROAM__IMS__V1__MESSAGE__BODY_ERROR) {
        printf("refused: %s\n", m->error->message ? m->error->message : "");
        rc = 3;
    } else if (got == 0) {
        printf("no answer\n");
        rc = 4;
    } else {
        fprintf(stderr, "ims_reg: %s\n", got == 1 ? "unexpected answer" : err);
    }
    ims_msg_free(m);
    ims_client_close(c);
    roam_tls_ctx_free(tls);
    EVP_PKEY_free(key);
    return rc;
}
