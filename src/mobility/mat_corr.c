/* roam-mat on a correspondent (see mat_corr.h). */
#include "mat_corr.h"

#include <arpa/inet.h>
#include <string.h>

#include "deadline.h"
#include "errbuf.h"
#include "ims_client.h"
#include "mat_apply.h"
#include "log.h"

void mat_corr_init(mat_corr *c, const mat_config *cfg, mat_conn *conn, mat_nft *nft,
                   mat_table *table)
{
    memset(c, 0, sizeof *c);
    c->cfg = cfg;
    c->conn = conn;
    c->nft = nft;
    c->table = table;
}

void mat_corr_conn_failed(mat_corr *c, const char *why)
{
    int moved = c->conn->ims && mat_conn_next(c->conn, why);
    if (mat_conn_close(c->conn, why))
        c->subscribed = 0;
    c->probe_ms = 0;
    if (!moved)
        mat_conn_backoff(c->conn);
}

/* Is the front-end still there?  A Query after a silence; its answer (or
 * any message) clears the probe. */
static void probe(mat_corr *c)
{
    int64_t now = roam_now_ms();
    char err[ROAM_ERR_MAX];
    if (c->probe_ms && now - c->probe_ms >= c->cfg->connect_timeout_ms) {
        mat_corr_conn_failed(c, "no answer to a probe");
        return;
    }
    if (c->probe_ms || c->cfg->probe_ms <= 0 || now - c->heard_ms < c->cfg->probe_ms)
        return;
    if (ims_client_query(c->conn->ims, c->cfg->hoas[0], NULL, err, sizeof err) < 0) {
        mat_corr_conn_failed(c, err);
        return;
    }
    c->probe_ms = now;
}

void mat_corr_tick(mat_corr *c)
{
    if (c->subscribed && c->conn->ims) {
        probe(c);
        return;
    }
    if (c->subscribed || c->conn->ims || mat_conn_open(c->conn, NULL, NULL) < 0)
        return;
    char err[ROAM_ERR_MAX];
    if (ims_client_subscribe(c->conn->ims, (const uint8_t (*)[IMS_ADDR_LEN])c->cfg->hoas,
                             c->cfg->n_hoas, NULL, err, sizeof err) < 0) {
        mat_corr_conn_failed(c, err);
        return;
    }
    c->subscribed = 1;
    c->heard_ms = roam_now_ms();
    c->probe_ms = 0;
    mat_conn_backoff_reset(c->conn);
}

void mat_corr_message(mat_corr *c, const ims_message *msg)
{
    c->heard_ms = roam_now_ms();
    c->probe_ms = 0;
    if (msg->body_case == ROAM__IMS__V1__MESSAGE__BODY_ERROR &&
        msg->error->code == ROAM__IMS__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED) {
        roam_log("IMS refused the subscription: it answers only clients with a certificate "
                 "of its client CA ([ims] cert and key)");
        return;
    }
    if (msg->body_case != ROAM__IMS__V1__MESSAGE__BODY_MAPPING)
        return;
    const Roam__Ims__V1__Mapping *pm = msg->mapping;
    ims_mapping m;
    ims_mapping_from_pb(pm, &m);
    for (size_t i = 0; i < c->cfg->n_hoas; i++) {
        if (memcmp(c->cfg->hoas[i], m.hoa, IMS_ADDR_LEN) != 0)
            continue;
        /* Pushes (id 0) never take a mapping back.  An answer is a fresh
         * read of the store (linearizable with etcd), never older than a
         * push seen before: taken as it is, so a correspondent that was
         * away, or whose IMS lost its database, ends with the store's
         * mapping. */
        if (msg->id == 0 && pm->known && m.seq <= c->known_seq[i] && c->known_seq[i])
            return;
        if (msg->id != 0 && pm->known && m.seq == c->known_seq[i])
            return;   /* nothing new */
        c->known_seq[i] = pm->known ? m.seq : 0;
        if (!pm->known) {
            char h[INET6_ADDRSTRLEN];
            roam_log("IMS does not know %s", ims_addr_str(m.hoa, h, sizeof h));
        }
        mat_apply(c->nft, c->table, &m);   /* unknown: n = 0 removes its entries */
        return;
    }
}
