/* The destination link opened ahead of need (see peer_early.h). */
#include "peer_early.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "errbuf.h"

struct roamd_peer_early {
    struct roamd *d;
    char dst[ROAMD_HOST_MAX + 8];
    pthread_t th;
    roamd_peer *peer;
    char err[ROAM_ERR_MAX];
};

static void *run(void *arg)
{
    struct roamd_peer_early *e = arg;
    e->peer = roamd_peer_connect(e->d, e->dst, e->err, sizeof e->err);
    return NULL;
}

struct roamd_peer_early *roamd_peer_early_start(struct roamd *d, const char *dst)
{
    struct roamd_peer_early *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->d = d;
    /* Too long to be a HOST[:PORT]: the connect itself reports it later. */
    if ((size_t)snprintf(e->dst, sizeof e->dst, "%s", dst) >= sizeof e->dst ||
        pthread_create(&e->th, NULL, run, e) != 0) {
        free(e);
        return NULL;
    }
    return e;
}

roamd_peer *roamd_peer_early_take(struct roamd_peer_early *e, char *err, size_t errlen)
{
    pthread_join(e->th, NULL);
    roamd_peer *p = e->peer;
    if (!p)
        roam_errf(err, errlen, "%s", e->err);
    free(e);
    return p;
}

void roamd_peer_early_drop(struct roamd_peer_early *e)
{
    if (!e)
        return;
    char err[ROAM_ERR_MAX];
    roamd_peer_close(roamd_peer_early_take(e, err, sizeof err));
}
