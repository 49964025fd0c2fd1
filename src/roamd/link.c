/* A session's connection as the network process relays it (link.h). */
#include "link.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"

roamd_link *roamd_link_new(int fd, const uint8_t exporter[ROAM_TLS_EXPORTER_LEN],
                           const uint8_t *chain, size_t chain_len, char *err, size_t errlen)
{
    roamd_link *l = calloc(1, sizeof *l);
    if (!l) {
        close(fd);
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    char why[ROAM_ERR_MAX];
    if (chain_len && !(l->peer = roam_peer_cert_from_der(chain, chain_len, why, sizeof why))) {
        roam_errf(err, errlen, "the peer's certificates: %s", why);
        close(fd);
        free(l);
        return NULL;
    }
    l->fd = fd;
    l->s = roam_stream_socket(fd);
    memcpy(l->exporter, exporter, sizeof l->exporter);
    return l;
}

void roamd_link_close(roamd_link *l)
{
    if (!l)
        return;
    close(l->fd);
    roam_peer_cert_free(l->peer);
    free(l);
}
