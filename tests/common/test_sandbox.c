/* The daemons' seccomp filter (src/common/sandbox.h): under it, what
 * serving needs still works (files, sockets, threads), while starting a
 * program, forking and unsharing kill the process with SIGSYS; "report"
 * names the call first; "no" applies nothing.  Each case runs in a child,
 * which the filter cannot leave. */
#define _GNU_SOURCE   /* CLONE_NEWNS, unshare */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include "sandbox.h"
#include "tap.h"
#include "wait_status.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

#define NO_FILTER 77   /* the child could not apply the filter */

enum action { SERVE, EXEC, FORK, UNSHARE };

static void *thread_main(void *arg)
{
    return (char *)arg + 1;
}

/* What the daemons do while serving; 0 when all of it worked. */
static int serve_like(void)
{
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0 || write(fd, "x", 1) != 1)
        return 1;
    close(fd);
    int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0)
        return 2;
    close(s);
    pthread_t t;
    static char mark[2];
    void *ret = NULL;
    if (pthread_create(&t, NULL, thread_main, mark) != 0 || pthread_join(t, &ret) != 0 ||
        ret != mark + 1)
        return 3;
    void *p = malloc(1 << 20);   /* large enough for mmap */
    if (!p)
        return 4;
    free(p);
    return 0;
}

static void child(enum roam_sandbox_mode mode, enum action what)
{
    char err[256];
    if (roam_sandbox_apply(mode, err, sizeof err) < 0) {
        ssize_t w = write(STDERR_FILENO, err, strlen(err));
        (void)w;
        _exit(NO_FILTER);
    }
    switch (what) {
    case SERVE:
        _exit(serve_like());
    case EXEC:
        execl("/bin/true", "true", (char *)NULL);
        _exit(10);
    case FORK: {
        pid_t p = fork();
        if (p == 0)
            _exit(0);
        _exit(p < 0 ? 11 : 12);
    }
    case UNSHARE:
        unshare(CLONE_NEWNS);
        _exit(13);
    }
    _exit(14);
}

/* Runs child(mode, what); its wait status, and its stderr in out. */
static int run(enum roam_sandbox_mode mode, enum action what, char *out, size_t outlen)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], STDERR_FILENO);
        child(mode, what);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < outlen && (r = read(p[0], out + n, outlen - 1 - n)) > 0)
        n += (size_t)r;
    while (n && out[n - 1] == '\n')
        n--;   /* one TAP line when it is printed */
    out[n] = 0;
    close(p[0]);
    int st = -1;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

int main(void)
{
    enum roam_sandbox_mode m;
    char why[128];
    tap_ok(roam_sandbox_mode_parse("yes", &m, why, sizeof why) == 0 && m == ROAM_SANDBOX_ON, "'yes' is on");
    tap_ok(roam_sandbox_mode_parse("report", &m, why, sizeof why) == 0 && m == ROAM_SANDBOX_REPORT,
           "'report' reports");
    tap_ok(roam_sandbox_mode_parse("no", &m, why, sizeof why) == 0 && m == ROAM_SANDBOX_OFF, "'no' is off");
    tap_ok(roam_sandbox_mode_parse("", &m, why, sizeof why) < 0, "'' is refused");
    tap_ok(roam_sandbox_mode_parse("on", &m, why, sizeof why) < 0 &&
               strcmp(why, "not 'yes', 'report' or 'no'") == 0,
           "other values are refused, saying why ('%s')", why);

    char out[512];
    int st = run(ROAM_SANDBOX_ON, SERVE, out, sizeof out);
    if (test_exited_with(st, NO_FILTER)) {
        printf("# %s\n", out);
        tap_skip("seccomp filters cannot be loaded here");
        return tap_done();
    }
    tap_ok(test_exited_with(st, 0), "under the filter, files, sockets, threads and memory work (status %#x)",
           st);
    tap_ok(test_died_of(run(ROAM_SANDBOX_ON, EXEC, out, sizeof out), SIGSYS),
           "execve kills the process with SIGSYS");
    tap_ok(test_died_of(run(ROAM_SANDBOX_ON, UNSHARE, out, sizeof out), SIGSYS),
           "unshare kills the process with SIGSYS");
#ifdef SANITIZED
    tap_skip("fork: sanitizer builds allow clone for LeakSanitizer");
#else
    tap_ok(test_died_of(run(ROAM_SANDBOX_ON, FORK, out, sizeof out), SIGSYS),
           "fork kills the process with SIGSYS");
#endif
    st = run(ROAM_SANDBOX_REPORT, EXEC, out, sizeof out);
    tap_ok(test_died_of(st, SIGSYS), "report: execve still kills the process");
    tap_ok(strstr(out, "seccomp: forbidden system call ") != NULL,
           "report: the call is named on stderr ('%s')", out);
    tap_ok(test_exited_with(run(ROAM_SANDBOX_REPORT, SERVE, out, sizeof out), 0),
           "report: serving works as under 'yes'");
    tap_ok(test_exited_with(run(ROAM_SANDBOX_OFF, EXEC, out, sizeof out), 0),
           "no: nothing is filtered (execve runs /bin/true)");
    return tap_done();
}
