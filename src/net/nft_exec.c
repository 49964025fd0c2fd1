/* Running nftables scripts through libnftables (see nft_exec.h). */
#include "nft_exec.h"

#include <nftables/libnftables.h>

#include "errbuf.h"

struct nft_ctx *roam_nft_ctx_new(char *err, size_t errlen)
{
    struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
    if (!ctx) {
        roam_errf(err, errlen, "cannot create an nftables context");
        return NULL;
    }
    if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
        nft_ctx_free(ctx);
        roam_errf(err, errlen, "cannot buffer nftables output");
        return NULL;
    }
    return ctx;
}

int roam_nft_exec(struct nft_ctx *ctx, const char *script, const char *what, char *err,
                  size_t errlen)
{
    if (nft_run_cmd_from_buffer(ctx, script) == 0)
        return 0;
    const char *e = nft_ctx_get_error_buffer(ctx);
    char line[256];
    size_t k = 0;   /* nft's first error line is the useful one */
    for (; e && e[k] && e[k] != '\n' && k + 1 < sizeof line; k++)
        line[k] = e[k];
    line[k] = '\0';
    return roam_errf(err, errlen, "nftables %s failed: %s", what, k ? line : "unknown error");
}

int roam_nft_exec_once(const char *script, const char *what, char *err, size_t errlen)
{
    struct nft_ctx *ctx = roam_nft_ctx_new(err, errlen);
    if (!ctx)
        return -1;
    int rc = roam_nft_exec(ctx, script, what, err, errlen);
    nft_ctx_free(ctx);
    return rc;
}
