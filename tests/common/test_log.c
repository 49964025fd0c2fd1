/* Log lines: a message carrying a client's newline or escape sequence
 * stays one line, its control characters written as \xNN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

int main(void)
{
    char path[] = "/tmp/roam-test-log-XXXXXX";
    int fd = mkstemp(path);
    FILE *saved = fdopen(dup(fileno(stderr)), "w");
    if (fd < 0 || !saved || !freopen(path, "w", stderr))
        return 1;
    close(fd);
    roam_log_init("t", 1);
    roam_log("refused vm %s", "x\n2026-12-05T07:40:01.123Z t: migrated vm x\r\x1b[2J");
    roam_log("plain %d", 7);
    fflush(stderr);
    char buf[512] = "";
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    unlink(path);
    buf[n] = '\0';
    stderr = saved;
    char *nl = strchr(buf, '\n');
    tap_ok(nl && strstr(buf, "refused vm x\\x0a2026-12-05T07:40:01.123Z t: migrated vm "
                        "x\\x0d\\x1b[2J\n"), "newline, CR and ESC escaped in one line");
    tap_ok(nl && strchr(nl + 1, '\n') && strstr(nl + 1, " t: plain 7\n") &&
           !strchr(strchr(nl + 1, '\n') + 1, '\n'), "two calls, two lines");
    if (tap_failed_)
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
            tap_diag("logged: %s", line);
    return tap_done();
}
