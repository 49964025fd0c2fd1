/* Marks a value computed from secrets as public ("declassified"): a
 * ciphertext, an MPK, the accept/reject bit of Decaps.  A no-op, except
 * when running under valgrind memcheck, where the constant-time test
 * (tests/abe/ct_abe.c) marks secrets undefined: there it tells memcheck
 * that branching on the value is intended. */
#ifndef ROAM_ABE_CT_DECLASSIFY_H
#define ROAM_ABE_CT_DECLASSIFY_H

#include <stddef.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define ROAM_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#endif
#endif
#ifndef ROAM_DECLASSIFY
#define ROAM_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif
