/* libFuzzer harness: the requests between roamd's privileged side and its
 * network process (src/roamd/net_msg.h), both directions, and the
 * certificate chain a connection's message carries as the monitor parses
 * it (src/proto/peer_cert.h).  What decodes encodes back to the same
 * bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net_msg.h"
#include "peer_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct roamd_net_msg m;
    static uint8_t again[ROAMD_NET_MSG_MAX];
    char err[256];
    if (roamd_net_decode(data, size, &m, err, sizeof err) < 0) {
        if (err[0] == '\0')
            abort();   /* a refusal always says why */
        return 0;
    }
    int n = roamd_net_encode(&m, again, sizeof again);
    if (n < 0 || (size_t)n != size || memcmp(again, data, size) != 0)
        abort();
    if (m.chain_len) {
        roam_peer_cert *p = roam_peer_cert_from_der(m.chain, m.chain_len, err, sizeof err);
        char hex[ROAM_PEER_CERT_HEX];
        if (p && (roam_peer_cert_fingerprint(p, hex) < 0 || strlen(hex) != 64))
            abort();
        roam_peer_cert_free(p);
    }
    return 0;
}
