/* roam-mat on a correspondent (see mat_corr.h). */
#include "mat_corr.h"

#include <arpa/inet.h>
#include <string.h>

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
    if (mat_conn_close(c->conn, why))
        c->subscribed = 0;
    mat_conn_backoff(c->conn);
}

void mat_corr_tick(mat_corr *c)
{
    if (c->subscribed || c->conn->ims || mat_conn_open(c->conn, NULL, NULL) < 0)
        return;
    char err[ROAM_ERR_MAX];
    if (ims_client_subscribe(c->conn->ims, (const uint8_t (*)[IMS_ADDR_LEN])c->cfg->hoas,
                             c->cfg->n_hoas, NULL, err, sizeof err) < 0) {
        mat_corr_conn_failed(c, err);
        return;
    }
    c->subscribed = 1;
    mat_conn_backoff_reset(c->conn);
}

void mat_corr_message(mat_corr *c, const ims_message *msg)
{
    if (msg->body_case != ROAM__IMS__V1__MESSAGE__BODY_MAPPING)
        return;
    const Roam__Ims__V1__Mapping *pm = msg->mapping;
    ims_mapping m;
    ims_mapping_from_pb(pm, &m);
    for (size_t i = 0; i < c->cfg->n_hoas; i++) {
        if (memcmp(c->cfg->hoas[i], m.hoa, IMS_ADDR_LEN) != 0)
            continue;
        if (pm->known && m.seq <= c->known_seq[i] && c->known_seq[i])
            return;   /* an answer overtaken by a newer push */
        c->known_seq[i] = pm->known ? m.seq : 0;
        if (!pm->known) {
            char h[INET6_ADDRSTRLEN];
            roam_log("IMS does not know %s", ims_addr_str(m.hoa, h, sizeof h));
        }
        mat_apply(c->nft, c->table, &m);   /* unknown: n = 0 removes its entries */
        return;
    }
}
