/* A seccomp filter (libseccomp) for roam's network-facing daemons: once a
 * daemon has read its files, bound its sockets and started its work, it
 * keeps only the system calls that serving needs.  What a parser bug could
 * then do is bounded: no new programs (execve), no child processes (clone
 * without CLONE_THREAD), no ptrace, mounts, namespaces, kernel modules,
 * BPF, keyrings or identity changes.  The list and why each group is on it:
 * sandbox.c; which daemons apply it: docs/install.md, "The seccomp filter". */
#ifndef ROAM_COMMON_SANDBOX_H
#define ROAM_COMMON_SANDBOX_H

#include <stddef.h>

enum roam_sandbox_mode {
    ROAM_SANDBOX_ON,      /* a forbidden call kills the process (SIGSYS) */
    ROAM_SANDBOX_REPORT,  /* ... after a line naming the call on stderr */
    ROAM_SANDBOX_OFF,     /* no filter, for debugging */
};

/* Which allowlist: a daemon's (above), or the far narrower one of roamd's
 * network process (sandbox.c, network_calls: sockets it was given, no
 * files, no new sockets but socket pairs). */
enum roam_sandbox_profile {
    ROAM_SANDBOX_DAEMON,
    ROAM_SANDBOX_NETWORK,
};

/* A configuration value: "yes" ON, "report" REPORT, "no" OFF; 0, or -1
 * with why (the reason, for the config reader to prefix with the key). */
int roam_sandbox_mode_parse(const char *v, enum roam_sandbox_mode *out, char *why,
                            size_t whylen);

/* Apply the filter to every thread of the process (nothing for OFF).  It
 * cannot be lifted again.  0, or -1 with err (the process is then
 * unchanged; the caller refuses to serve). */
int roam_sandbox_apply(enum roam_sandbox_mode mode, char *err, size_t errlen);

/* The same with profile's allowlist. */
int roam_sandbox_apply_profile(enum roam_sandbox_profile profile, enum roam_sandbox_mode mode,
                               char *err, size_t errlen);

#endif
