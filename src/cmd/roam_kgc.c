/* roam-kgc: the key generation center's tool (setup, keygen, inspect).
 * Exit codes: 0 success, 1 failure (files, keys, attributes), 2 usage. */
#include <stdio.h>

#include "cli_common.h"
#include "kgc.h"

static const struct cli_cmd cmds[] = {
    {"setup", kgc_setup, "create a master public key and master secret key"},
    {"keygen", kgc_keygen, "issue a user key holding attributes"},
    {"inspect", kgc_inspect, "show what a roam file is and holds (never secrets)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: roam-kgc COMMAND [OPTIONS]\n"
               "       roam-kgc --help | --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "\n'roam-kgc COMMAND --help' describes a command.  Exit status: 0 success,\n"
               "1 failure, 2 usage error.  See roam-kgc(1).\n");
}

int main(int argc, char **argv)
{
    cli_start(argv, "roam-kgc");
    return cli_dispatch(argc, argv, cmds, sizeof cmds / sizeof cmds[0], usage);
}
