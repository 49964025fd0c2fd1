/* What every roam program says on its command line, the same way:
 *
 * - Every error message is one line `PROGRAM: message` on stderr.  PROGRAM
 *   is the program's name, never the path it was run by; for a program whose
 *   first argument is a subcommand (roam, roam-kgc) it is followed by that
 *   subcommand (`roam migrate: missing --to`), and so it is for roam-ims'
 *   and roam-mat's administration commands once the command word is known
 *   (`roam-ims enroll: missing --pubkey`).  getopt's own messages (unknown
 *   option, missing argument) follow the rule too: they name argv[0], which
 *   cli_start and cli_subcommand set to PROGRAM.
 * - A usage error names what is wrong (`missing --to`, `unknown command
 *   'foo'`, `unexpected argument 'x'`), then prints the usage on stderr,
 *   and exits with 2.
 * - `--help` prints the usage on stdout and exits 0; `--version` prints one
 *   line `PROGRAM VERSION` (meson's project version) and exits 0.
 *
 * No dependency beyond libc, so that the daemons link it too. */
#ifndef ROAM_CMD_CLI_MSG_H
#define ROAM_CMD_CLI_MSG_H

#include <stdio.h>

extern const char *cli_prog;   /* "roam-kgc", "roam check", ... for messages */

/* Names the program: cli_prog = name and argv[0] = name. */
void cli_start(char **argv, const char *name);

/* cli_prog becomes "PROGRAM SUBCOMMAND". */
void cli_enter(const char *subcommand);

/* For a dispatcher about to run the subcommand argv[0]: cli_enter(argv[0]),
 * and argv[0] becomes cli_prog.  Returns argv. */
char **cli_subcommand(char **argv);

/* "prog: message\n" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The message of the last cli_err or cli_usage_error (without the prefix),
 * "" before any: what a --json answer reports of a failure already printed. */
const char *cli_last_error(void);

/* A usage error: "prog: message\n", then usage(stderr).  The caller exits
 * with its usage code. */
void cli_usage_error(void (*usage)(FILE *), const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A program made of subcommands (roam, roam-kgc): one row each. */
struct cli_cmd {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
};

/* main() of such a program, after cli_start: runs the subcommand argv[1]
 * (as cli_subcommand describes) and returns its exit code; handles --help,
 * --version, and a missing or unknown command or option (exit 2). */
int cli_dispatch(int argc, char **argv, const struct cli_cmd *cmds, size_t n,
                 void (*usage)(FILE *));

/* Prints "PROGRAM VERSION\n" (PROGRAM without a subcommand); returns 0, the
 * exit code. */
int cli_version(void);

#endif
