/* roam-kgc: the key generation center's tool (setup, keygen, inspect).
 * Exit codes: 0 success, 1 failure (files, keys, attributes), 2 usage. */
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "kgc.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} cmds[] = {
    {"setup", kgc_setup, "create a master public key and master secret key"},
    {"keygen", kgc_keygen, "issue a user key holding attributes"},
    {"inspect", kgc_inspect, "show what a roam file is and holds (never secrets)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: roam-kgc COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "\n'roam-kgc COMMAND --help' describes a command.  Exit status: 0 success,\n"
               "1 failure, 2 usage error.  See roam-kgc(1).\n");
}

int main(int argc, char **argv)
{
    cli_prog = "roam-kgc";
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].run(argc - 1, argv + 1);
    cli_err("unknown command '%s'", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
