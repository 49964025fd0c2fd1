/* roam: the VM user's tool.  A subcommand dispatcher: each subcommand is
 * its own file and one row in the table below (check, migrate, policy).
 * Every subcommand exits with the statuses of src/client/outcome.h (see
 * roam(1)); 2 for usage errors. */
#include <stdio.h>

#include "cli_common.h"
#include "roam_cmds.h"

static const struct cli_cmd cmds[] = {
    {"check", roam_check, "would my key satisfy a policy? (one real encaps/decaps round)"},
    {"migrate", roam_migrate, "live-migrate your VM to another VM server"},
    {"policy", roam_policy, "show or set a VM's migrate policy (host operators)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: roam COMMAND [OPTIONS]\n"
               "       roam --help | --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "\n'roam COMMAND --help' describes a command.  See roam(1).\n");
}

int main(int argc, char **argv)
{
    cli_start(argv, "roam");
    return cli_dispatch(argc, argv, cmds, sizeof cmds / sizeof cmds[0], usage);
}
