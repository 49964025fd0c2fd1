/* roam: the VM user's tool.  A subcommand dispatcher: each subcommand is
 * its own file and one row in the table below (check, migrate).
 * Every subcommand exits with the statuses of src/client/outcome.h (see
 * roam(1)); 2 for usage errors. */
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "roam_cmds.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} cmds[] = {
    {"check", roam_check, "would my key satisfy a policy? (one real encaps/decaps round)"},
    {"migrate", roam_migrate, "live-migrate your VM to another VM server"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: roam COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "\n'roam COMMAND --help' describes a command.  See roam(1).\n");
}

int main(int argc, char **argv)
{
    cli_prog = "roam";
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].run(argc - 1, argv + 1);
    cli_err("unknown command '%s'", argv[1]);
    usage(stderr);
    return 2;
}
