/* roam migrate's verdict after a lost source (client_locate.h): which
 * outcome, exit status, --json code and sentence each pair of the hosts'
 * Locate answers makes. */
#include <string.h>

#include "client_locate.h"
#include "tap.h"

#define RUN ROAM__V1__VM_LOCATION__LOCATE_RUNNING
#define ABS ROAM__V1__VM_LOCATION__LOCATE_ABSENT
#define UNK ROAM__V1__VM_LOCATION__LOCATE_UNKNOWN

static struct roam_locate_answer said(Roam__V1__VmLocation w, int pending)
{
    struct roam_locate_answer a = { .answered = 1, .where = w, .pending = pending };
    return a;
}

static struct roam_locate_answer silent(void)
{
    struct roam_locate_answer a = { .answered = 0 };
    strcpy(a.why, "connection refused");
    return a;
}

static char msg[1200];

/* The verdict on (a, b), checked against exit status, code and words. */
static void check(struct roam_locate_answer a, struct roam_locate_answer b, int status,
                  const char *code, const char *words, const char *name)
{
    enum roam_outcome o = roam_locate_verdict("web1", "vms-a", "vms-b", &a, &b, msg, sizeof msg);
    tap_eq(roam_outcome_exit(o), status, "%s: exit status", name);
    tap_eq_str(roam_outcome_code(o), code, "%s: code", name);
    tap_ok(strstr(msg, words) != NULL, "%s: says '%s' (%s)", name, words, msg);
}

int main(void)
{
    check(said(ABS, 0), said(RUN, 0), 0, "ok",
          "web1 runs on vms-b, and both hosts have finished the migration", "moved, settled");
    check(said(ABS, 1), said(RUN, 0), 8, "post_processing_pending",
          "web1 runs on vms-b; post-processing pending at vms-a", "moved, source pending");
    check(said(ABS, 0), said(RUN, 1), 8, "post_processing_pending",
          "post-processing pending at vms-b", "moved, destination pending");
    check(said(ABS, 1), said(RUN, 1), 8, "post_processing_pending",
          "pending at vms-a and vms-b", "moved, both pending");
    check(said(RUN, 0), said(ABS, 0), 5, "migration_failed",
          "the migration did not happen: web1 still runs on vms-a", "stayed");
    check(said(RUN, 1), said(ABS, 0), 6, "unknown_outcome", "still in motion",
          "still migrating");
    check(said(RUN, 0), said(RUN, 0), 6, "unknown_outcome", "runs on both vms-a and vms-b",
          "on both");
    check(said(ABS, 0), said(ABS, 0), 6, "unknown_outcome", "runs on neither", "on neither");
    check(silent(), said(RUN, 0), 6, "unknown_outcome",
          "web1 runs on vms-b; vms-a did not answer (connection refused): check vms-a",
          "source silent");
    check(said(RUN, 0), silent(), 6, "unknown_outcome", "web1 runs on vms-a; vms-b did not answer",
          "destination silent");
    check(said(UNK, 0), said(ABS, 0), 6, "unknown_outcome",
          "web1 does not run on vms-b; vms-a could not tell", "source unknown");
    check(silent(), silent(), 6, "unknown_outcome",
          "whether web1 runs on vms-a or vms-b is unknown: check both", "both silent");
    tap_ok(strncmp(msg, "lost the source after the migration was requested", 49) == 0,
           "every sentence says first that the source was lost");
    return tap_done();
}
