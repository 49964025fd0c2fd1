/* How a child a test forked ended, from waitpid's status (-1: not known):
 * the sandbox tests expect a forbidden call to kill with SIGSYS and an
 * allowed run to exit with a given code. */
#ifndef ROAM_TESTS_WAIT_STATUS_H
#define ROAM_TESTS_WAIT_STATUS_H

#include <sys/wait.h>

static inline int test_died_of(int st, int sig)
{
    return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static inline int test_exited_with(int st, int code)
{
    return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == code;
}

#endif
