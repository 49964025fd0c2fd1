/* A mapping into the kernel (see mat_apply.h). */
#include "mat_apply.h"

#include <arpa/inet.h>

#include "deadline.h"
#include "errbuf.h"
#include "log.h"

int mat_apply(mat_nft *nft, mat_table *t, const ims_mapping *m)
{
    char err[ROAM_ERR_MAX];
    int64_t t0 = roam_now_ms();
    if (mat_table_set(t, m, err, sizeof err) < 0 || mat_rules_update(nft, t, err, sizeof err) < 0) {
        roam_log("translation rules NOT updated: %s", err);
        return -1;
    }
    char h[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN] = "none";
    int act = ims_mapping_active(m);
    if (act >= 0)
        ims_addr_str(m->b[act].moa, s, sizeof s);
    roam_log("rules: %s -> %s (%zu address(es)), nft transaction %lld ms",
            ims_addr_str(m->hoa, h, sizeof h), s, m->n, (long long)(roam_now_ms() - t0));
    return 0;
}
