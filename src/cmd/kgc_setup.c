/* roam-kgc setup --out DIR: a fresh MPK (DIR/mpk.pem, 0644) and MSK
 * (DIR/msk.pem, 0600).  DIR is created (0700) if it does not exist;
 * existing files are never overwritten. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abe.h"
#include "cli_common.h"
#include "kgc.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: roam-kgc setup --out DIR\n"
               "Creates DIR/mpk.pem (master public key) and DIR/msk.pem (master secret\n"
               "key, mode 0600).  Keep msk.pem offline.  Existing files are not replaced.\n");
}

int kgc_setup(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (c == 'o')
            dir = optarg;
        else if (c == 'h') {
            usage(stdout);
            return CLI_OK;
        } else {
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (dir == NULL || optind != argc) {
        if (dir == NULL)
            cli_usage_error(usage, "missing --out");
        else
            cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
        return CLI_USAGE;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        cli_err("%s: %s", dir, strerror(errno));
        return CLI_FAIL;
    }
    char mp[4096], sp[4096];
    if (snprintf(mp, sizeof mp, "%s/mpk.pem", dir) >= (int)sizeof mp ||
        snprintf(sp, sizeof sp, "%s/msk.pem", dir) >= (int)sizeof sp) {
        cli_err("%s: path too long", dir);
        return CLI_FAIL;
    }
    if (access(mp, F_OK) == 0 || access(sp, F_OK) == 0) {
        cli_err("%s already holds mpk.pem or msk.pem (refusing to overwrite)", dir);
        return CLI_FAIL;
    }
    abe_mpk_t *mpk = malloc(sizeof *mpk);
    abe_msk_t msk;
    uint8_t *mo = NULL, *so = NULL;
    size_t ml = 0, sl = 0;
    int rc = CLI_FAIL;
    if (mpk == NULL || abe_setup(mpk, &msk) != ABE_OK) {
        cli_err("setup failed (random number generator?)");
        free(mpk);
        return CLI_FAIL;
    }
    if (abe_encode_mpk(mpk, &mo, &ml) != ABE_OK || abe_encode_msk(&msk, mpk, &so, &sl) != ABE_OK) {
        cli_err("out of memory");
        goto out;
    }
    /* The secret first: if it cannot be written, no orphan MPK is left. */
    if (cli_save(sp, so, sl) != 0)
        goto out;
    if (cli_save(mp, mo, ml) != 0) {
        unlink(sp);
        goto out;
    }
    char id[2 * ABE_ID_BYTES + 1];
    cli_hex(id, mpk->id, ABE_ID_BYTES);
    printf("wrote %s\nwrote %s (mode 0600; keep it offline)\nmpk id: %s\n", mp, sp, id);
    rc = CLI_OK;
out:
    abe_msk_clear(&msk);
    abe_free_secret(so, sl);
    free(mo);
    free(mpk);
    return rc;
}
