/* roam-hook: libvirt's qemu hook on a destination host; see roam-hook(8)
 * and hook_client.h. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli_msg.h"
#include "errbuf.h"
#include "hook_client.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: roam-hook [--socket PATH] [--timeout SECONDS] NAME OP SUBOP [EXTRA]\n"
        "       roam-hook --help | --version\n"
        "libvirtd runs it as /etc/libvirt/hooks/qemu.  For OP=migrate SUBOP=begin it sends\n"
        "the domain XML on stdin to roamd (default socket " ROAMD_HOOK_SOCKET ") and exits\n"
        "0 if roamd lets the migration in, 1 with the reason on stderr if not; any other\n"
        "call exits 0 at once.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "socket", required_argument, NULL, 's' }, { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *sock = ROAMD_HOOK_SOCKET;
    int timeout_ms = ROAMD_HOOK_TIMEOUT_MS, o;
    char *end;
    cli_start(argv, "roam-hook");
    /* '+': stop at NAME, so that libvirt's "-" arguments stay operands. */
    while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (o) {
        case 's': sock = optarg; break;
        case 't': {
            long s = strtol(optarg, &end, 10);
            if (*end || s < 1 || s > 600) {
                cli_usage_error(usage, "--timeout: '%s' is not 1..600 seconds", optarg);
                return 2;
            }
            timeout_ms = (int)s * 1000;
            break;
        }
        case 'h': usage(stdout); return 0;
        case 'V': return cli_version();
        default: usage(stderr); return 2;
        }
    }
    if (argc - optind < 3 || argc - optind > 4) {
        cli_usage_error(usage, "expected NAME OP SUBOP [EXTRA]");
        return 2;
    }
    if (!roamd_hook_is_incoming(argv[optind + 1], argv[optind + 2]))
        return 0;
    char why[ROAM_ERR_MAX];
    if (roamd_hook_ask(sock, argv[optind], STDIN_FILENO, timeout_ms, why, sizeof why) == 0)
        return 0;
    /* One line: libvirt passes it to the source and the user. */
    fprintf(stderr, "%s\n", why);
    return 1;
}
