/* Exit statuses and --json codes of the outcome classes (outcome.h). */
#include "outcome.h"

static const struct {
    int status;
    const char *code;
} table[] = {
    [ROAM_OUTCOME_OK] = {0, "ok"},
    [ROAM_OUTCOME_REFUSED] = {1, "refused"},
    [ROAM_OUTCOME_USAGE] = {2, "usage"},
    [ROAM_OUTCOME_LOCAL] = {2, "local"},
    [ROAM_OUTCOME_UNREACHABLE] = {3, "unreachable"},
    [ROAM_OUTCOME_TLS] = {4, "tls"},
    [ROAM_OUTCOME_MIGRATION_FAILED] = {5, "migration_failed"},
    [ROAM_OUTCOME_UNKNOWN] = {6, "unknown_outcome"},
    [ROAM_OUTCOME_POST_FAILED] = {7, "post_processing_failed"},
    [ROAM_OUTCOME_POST_PENDING] = {8, "post_processing_pending"},
};

int roam_outcome_exit(enum roam_outcome o)
{
    return (unsigned)o < sizeof table / sizeof table[0] ? table[o].status : 2;
}

const char *roam_outcome_code(enum roam_outcome o)
{
    return (unsigned)o < sizeof table / sizeof table[0] ? table[o].code : "local";
}
