/* roam policy VM [POLICY] [--connect URI]: the host operator's way to show
 * or set a VM's migrate policy, roam's element in the domain's libvirt
 * metadata (src/virt/metadata.h).  A new policy is compiled by the same
 * policy compiler as roamd's before anything is written, so a policy that
 * roamd could not use is refused here with the column of the error.
 * Exit 0 done, 1 no policy / libvirt failure, 2 usage or invalid policy. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe.h"
#include "cli_common.h"
#include "date.h"
#include "errbuf.h"
#include "metadata.h"
#include "roam_cmds.h"
#include "virt.h"

#define DEFAULT_URI "qemu:///system"

static void usage(FILE *f)
{
    fprintf(f, "usage: roam policy VM [POLICY] [--connect URI]\n"
               "Prints VM's migrate policy, or checks POLICY (the policy language of\n"
               "docs/policy.md) and stores it in VM's libvirt metadata, live and\n"
               "persistent.  roamd ANDs it with 'expiry >= today' when it challenges.\n"
               "URI: $LIBVIRT_DEFAULT_URI, else " DEFAULT_URI ".  Exit 0 done, 1 no\n"
               "policy or libvirt failure, 2 usage error or invalid policy.\n");
}

/* Compile text as roamd does: on its own (so an error's column is in what
 * the operator wrote), then ANDed as a tree with today's expiry clause, which
 * can take a policy near the size limits past them.  0, or -1 with the
 * compiler's message. */
static int check_policy(const char *policy)
{
    char today[11];
    abe_error_t e;
    abe_prepared_t *pp = malloc(sizeof *pp);
    if (!pp) {
        cli_err("out of memory");
        return -1;
    }
    roam_today(today);
    const char *what = "invalid policy";
    abe_error_clear(&e);
    int r = abe_prepare_text(pp, policy, strlen(policy), 0, &e);
    if (r == ABE_OK) {
        abe_prepared_clear(pp);
        what = "invalid policy once roamd's expiry clause is added";
        abe_error_clear(&e);
        r = abe_prepare_with_expiry(pp, policy, strlen(policy), today, 0, &e);
        if (r == ABE_OK)
            abe_prepared_clear(pp);
    }
    if (r != ABE_OK)
        cli_err("%s: %s", what, e.msg[0] ? e.msg : abe_strerror(r));
    free(pp);
    return r == ABE_OK ? 0 : -1;
}

static int show(virDomainPtr dom, const char *vm)
{
    char err[ROAM_ERR_MAX], *policy = NULL;
    if (roam_virt_get_policy(dom, 0, &policy, err, sizeof err) < 0) {
        if (strstr(err, "no migrate policy"))
            cli_err("%s; set one with: roam policy %s 'POLICY'", err, vm);
        else
            cli_err("%s", err);
        return 1;
    }
    printf("%s\n", policy);
    free(policy);
    return 0;
}

static int set(virDomainPtr dom, const char *vm, const char *policy)
{
    char err[ROAM_ERR_MAX];
    if (roam_virt_set_policy(dom, policy, err, sizeof err) < 0) {
        cli_err("%s", err);
        return 1;
    }
    printf("VM %s: migrate policy set to: %s\n", vm, policy);
    return 0;
}

int roam_policy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"connect", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0}};
    const char *uri = getenv("LIBVIRT_DEFAULT_URI");
    int c;
    cli_prog = "roam policy";
    if (!uri || !*uri)
        uri = DEFAULT_URI;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': uri = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind + 1 != argc && optind + 2 != argc) {
        usage(stderr);
        return 2;
    }
    const char *vm = argv[optind], *policy = optind + 2 == argc ? argv[optind + 1] : NULL;
    if (policy && check_policy(policy) < 0)
        return 2;
    char err[ROAM_ERR_MAX];
    virConnectPtr conn = roam_virt_open(uri, err, sizeof err);
    virDomainPtr dom = conn ? roam_virt_domain(conn, vm, err, sizeof err) : NULL;
    int rc = 1;
    if (!dom)
        cli_err("%s", err);
    else
        rc = policy ? set(dom, vm, policy) : show(dom, vm);
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    return rc;
}
