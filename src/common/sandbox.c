/* The seccomp allowlist of roam's network-facing daemons (sandbox.h).
 * An allowlist rather than a denylist: a system call that a new kernel adds
 * is forbidden until someone decides otherwise.  It is generous inside the
 * groups a daemon needs (files, sockets, memory, time, threads, signals) -
 * the file system itself is confined by the systemd unit (dist/) - and
 * leaves out everything that would let a compromised parser escape those
 * bounds: starting programs, forking, tracing, mounting, namespaces,
 * modules, BPF, keyrings, identity and capability changes, reboot. */
#define _GNU_SOURCE   /* CLONE_THREAD */
#include "sandbox.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"

/* Sanitizer builds (CI, tests): LeakSanitizer checks for leaks at exit from
 * a tracer task it forks or clones without CLONE_THREAD and that ptrace()s the
 * others; without these its check would kill every sanitized daemon. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

static const char *const daemon_calls[] = {
    /* files: configuration, certificates, keys, the SQLite store and its
     * journal, logs, /proc and /sys (NAPI threads) */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
    "preadv2", "pwritev2", "lseek", "_llseek", "open", "openat", "close", "close_range",
    "stat", "fstat", "lstat", "newfstatat", "fstatat64", "statx", "statfs", "fstatfs",
    "access", "faccessat", "faccessat2", "fcntl", "fcntl64", "flock", "fsync",
    "fdatasync", "ftruncate", "rename", "renameat", "renameat2", "unlink", "unlinkat",
    "mkdir", "mkdirat", "getdents", "getdents64", "readlink", "readlinkat", "getcwd",
    "fchown", "fchmod", "umask", "dup", "dup2", "dup3", "pipe", "pipe2", "eventfd2",
    "ioctl",
    /* memory */
    "brk", "mmap", "mmap2", "munmap", "mprotect", "mremap", "madvise",
    /* waiting for events */
    "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "timerfd_create", "timerfd_settime",
    "timerfd_gettime",
    /* sockets: TCP and UDP (TLS, datagrams, etcd), netlink (roam-mat's
     * address watch and nftables), raw sockets already open */
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    "getsockname", "getpeername", "setsockopt", "getsockopt", "sendto", "recvfrom",
    "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
    /* time, randomness, identity queries */
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday",
    "time", "getrandom", "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
    "getegid", "getresuid", "getresgid", "uname", "sysinfo", "getrlimit", "prlimit64",
    "getpriority", "setpriority", "sched_yield", "sched_getaffinity",
    "getrusage", "prctl",
    /* threads (the IMS handshake workers, the etcd watch, roam-mat's pre-opener,
     * libcurl's resolver); clone itself is allowed below for threads only */
    "futex", "set_robust_list", "get_robust_list", "set_tid_address", "rseq",
    "membarrier",
    /* signals (SIGTERM's handler, abort()) and leaving */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "tgkill",
    "restart_syscall", "exit", "exit_group",
    /* reaping a child started before the filter (roamd's network process),
     * and ending it if it will not go */
    "wait4", "kill",
#ifdef SANITIZED
    "ptrace", "waitpid", "fork", "vfork",
#endif
};

/* roamd's network process (its worker): TLS and frames on sockets it was
 * given or accepted, and nothing else.  No file is opened, no socket made
 * but a socket pair, no address bound or connected: those answer an error
 * (EACCES, EPERM) rather than kill, so that a library trying one fails the
 * way it would without permission. */
static const char *const network_calls[] = {
    "read", "write", "readv", "writev", "close", "fcntl", "fcntl64", "fstat", "newfstatat",
    "ioctl", "lseek",
    "brk", "mmap", "mmap2", "munmap", "mprotect", "mremap", "madvise",
    "poll", "ppoll", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
    "socketpair", "accept", "accept4", "getsockname", "getpeername", "setsockopt",
    "getsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown",
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    "getrandom", "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid",
    "getrlimit", "prlimit64", "sched_yield", "sched_getaffinity", "getrusage",
    "futex", "set_robust_list", "get_robust_list", "set_tid_address", "rseq", "membarrier",
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "tgkill",
    "restart_syscall", "exit", "exit_group",
#ifdef SANITIZED
    "ptrace", "wait4", "waitpid", "fork", "vfork", "open", "openat", "readlink", "readlinkat",
    "getdents64", "sysinfo", "prctl", "uname",
#endif
};

/* Calls the network process is refused with an error: making sockets
 * (libvirt's socket, raw sockets), opening, creating or removing files. */
static const struct {
    const char *name;
    int err;
} network_refused[] = {
    { "socket", EPERM }, { "connect", EPERM }, { "bind", EPERM }, { "listen", EPERM },
#ifndef SANITIZED
    { "open", EACCES }, { "openat", EACCES },
#endif
    { "openat2", EACCES }, { "creat", EACCES }, { "unlink", EACCES }, { "unlinkat", EACCES },
    { "rename", EACCES }, { "renameat", EACCES }, { "renameat2", EACCES }, { "mkdir", EACCES },
    { "mkdirat", EACCES }, { "truncate", EACCES },
};

int roam_sandbox_mode_parse(const char *v, enum roam_sandbox_mode *out, char *why,
                            size_t whylen)
{
    if (strcmp(v, "yes") == 0)
        *out = ROAM_SANDBOX_ON;
    else if (strcmp(v, "report") == 0)
        *out = ROAM_SANDBOX_REPORT;
    else if (strcmp(v, "no") == 0)
        *out = ROAM_SANDBOX_OFF;
    else
        return roam_errf(why, whylen, "not 'yes', 'report' or 'no'");
    return 0;
}

/* REPORT: name the call on stderr, then die of SIGSYS as ON would.  Only
 * async-signal-safe calls; the number, since resolving the name allocates. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    char line[64] = "seccomp: forbidden system call ";
    size_t n = strlen(line);
    char digits[12];
    size_t d = 0;
    unsigned v = (unsigned)si->si_syscall;
    do
        digits[d++] = (char)('0' + v % 10);
    while ((v /= 10) && d < sizeof digits);
    while (d && n < sizeof line - 1)
        line[n++] = digits[--d];
    line[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, n);
    (void)w;
    signal(sig, SIG_DFL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    raise(sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    _exit(128 + sig);
}

/* One rule: the call named, answered by action.  A name this
 * architecture lacks (open on arm64, ...) is skipped. */
static int add_rule(scmp_filter_ctx ctx, const char *name, uint32_t action, char *err,
                    size_t errlen)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR || nr < 0)
        return 0;
    int rc = seccomp_rule_add(ctx, action, nr, 0);
    if (rc < 0)
        return roam_errf(err, errlen, "seccomp: cannot add %s: %s", name, strerror(-rc));
    return 0;
}

#ifdef SANITIZED
/* name is on the network list already, or refused there. */
static int listed(const char *name)
{
    for (size_t i = 0; i < sizeof network_calls / sizeof network_calls[0]; i++)
        if (strcmp(network_calls[i], name) == 0)
            return 1;
    for (size_t i = 0; i < sizeof network_refused / sizeof network_refused[0]; i++)
        if (strcmp(network_refused[i].name, name) == 0)
            return 1;
    return 0;
}
#endif

static int add_rules(scmp_filter_ctx ctx, enum roam_sandbox_profile profile, char *err,
                     size_t errlen)
{
    int net = profile == ROAM_SANDBOX_NETWORK;
    const char *const *list = net ? network_calls : daemon_calls;
    size_t n = net ? sizeof network_calls / sizeof network_calls[0]
                   : sizeof daemon_calls / sizeof daemon_calls[0];
    for (size_t i = 0; i < n; i++)
        if (add_rule(ctx, list[i], SCMP_ACT_ALLOW, err, errlen) < 0)
            return -1;
    for (size_t i = 0; net && i < sizeof network_refused / sizeof network_refused[0]; i++)
        if (add_rule(ctx, network_refused[i].name, SCMP_ACT_ERRNO((uint32_t)network_refused[i].err),
                     err, errlen) < 0)
            return -1;
#ifdef SANITIZED
    /* LeakSanitizer's check at exit needs what the daemons' list allows
     * (its tracer, /proc, pipes): a sanitized network process gets that
     * too, less the calls it is refused. */
    for (size_t i = 0; net && i < sizeof daemon_calls / sizeof daemon_calls[0]; i++)
        if (!listed(daemon_calls[i]) &&
            add_rule(ctx, daemon_calls[i], SCMP_ACT_ALLOW, err, errlen) < 0)
            return -1;
#endif
    /* glibc starts threads with clone3 when it exists, whose flags sit in
     * memory a filter cannot read: answer ENOSYS so that it falls back to
     * clone, whose flags (the first argument) the next rule checks. */
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
#ifdef SANITIZED
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 0);
#else
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
#endif
    if (rc < 0)
        return roam_errf(err, errlen, "seccomp: cannot restrict clone: %s", strerror(-rc));
    return 0;
}

int roam_sandbox_apply(enum roam_sandbox_mode mode, char *err, size_t errlen)
{
    return roam_sandbox_apply_profile(ROAM_SANDBOX_DAEMON, mode, err, errlen);
}

int roam_sandbox_apply_profile(enum roam_sandbox_profile profile, enum roam_sandbox_mode mode,
                               char *err, size_t errlen)
{
    if (mode == ROAM_SANDBOX_OFF)
        return 0;
    if (mode == ROAM_SANDBOX_REPORT) {
        struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGSYS, &sa, NULL) < 0)
            return roam_errf(err, errlen, "seccomp: SIGSYS handler: %s", strerror(errno));
    }
    scmp_filter_ctx ctx =
        seccomp_init(mode == ROAM_SANDBOX_REPORT ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
    if (!ctx)
        return roam_errf(err, errlen, "seccomp: cannot create a filter");
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc < 0)
        roam_errf(err, errlen, "seccomp: cannot cover every thread: %s", strerror(-rc));
    else if (add_rules(ctx, profile, err, errlen) < 0)
        rc = -1;
    else if ((rc = seccomp_load(ctx)) < 0)
        roam_errf(err, errlen, "seccomp: cannot load the filter: %s", strerror(-rc));
    seccomp_release(ctx);
    return rc < 0 ? -1 : 0;
}
