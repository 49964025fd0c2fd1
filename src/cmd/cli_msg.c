/* The command-line conventions of roam's programs (cli_msg.h). */
#include "cli_msg.h"

#include <stdarg.h>
#include <string.h>

#ifndef ROAM_VERSION
#error "ROAM_VERSION comes from meson's project version (src/cmd/meson.build)"
#endif

const char *cli_prog = "roam";

void cli_start(char **argv, const char *name)
{
    cli_prog = name;
    /* getopt prefixes its messages with argv[0]; it only reads it. */
    argv[0] = (char *)name;
}

void cli_enter(const char *subcommand)
{
    static char name[64];
    snprintf(name, sizeof name, "%s %s", cli_prog, subcommand);
    cli_prog = name;
}

char **cli_subcommand(char **argv)
{
    cli_enter(argv[0]);
    argv[0] = (char *)cli_prog;
    return argv;
}

static char last_err[1200];

/* format attribute: clang checks the callers' formats, not this one */
__attribute__((format(printf, 1, 0)))
static void verr(const char *fmt, va_list ap)
{
    vsnprintf(last_err, sizeof last_err, fmt, ap);
    fprintf(stderr, "%s: %s\n", cli_prog, last_err);
}

const char *cli_last_error(void)
{
    return last_err;
}

void cli_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(fmt, ap);
    va_end(ap);
}

void cli_usage_error(void (*usage)(FILE *), const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(fmt, ap);
    va_end(ap);
    usage(stderr);
}

int cli_version(void)
{
    printf("%.*s %s\n", (int)strcspn(cli_prog, " "), cli_prog, ROAM_VERSION);
    return 0;
}

int cli_dispatch(int argc, char **argv, const struct cli_cmd *cmds, size_t n,
                 void (*usage)(FILE *))
{
    if (argc < 2) {
        cli_usage_error(usage, "missing COMMAND");
        return 2;
    }
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(a, "--version") == 0)
        return cli_version();
    for (size_t i = 0; i < n; i++)
        if (strcmp(a, cmds[i].name) == 0)
            return cmds[i].run(argc - 1, cli_subcommand(argv + 1));
    cli_usage_error(usage, a[0] == '-' ? "unrecognized option '%s'" : "unknown command '%s'", a);
    return 2;
}
