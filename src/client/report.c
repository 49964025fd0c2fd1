/* Progress bar, phase table and JSON result (see report.h). */
#include "report.h"

#include <string.h>

#include "json.h"

#define BAR 24

static void human_bytes(uint64_t b, char *out, size_t cap)
{
    if (b >= 1024ull * 1024 * 1024)
        snprintf(out, cap, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    else
        snprintf(out, cap, "%.1f MiB", b / (1024.0 * 1024));
}

static void fill_bar(char bar[BAR + 1], unsigned pct)
{
    unsigned fill = pct * BAR / 100;
    for (unsigned i = 0; i < BAR; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR] = '\0';
}

/* The disk mirror's line: it runs first, and memory follows once the disks
 * are in step. */
static void disk_line(const Roam__V1__Progress *p, char *out, size_t cap)
{
    uint64_t left = p->disk_remaining > p->disk_total ? p->disk_total : p->disk_remaining;
    unsigned pct = (unsigned)((p->disk_total - left) * 100 / p->disk_total);
    char bar[BAR + 1], rem[32], rate[32] = "-- MiB/s", eta[32] = "", mem[32];
    fill_bar(bar, pct);
    human_bytes(left, rem, sizeof rem);
    if (p->disk_bps) {
        snprintf(rate, sizeof rate, "%.1f MiB/s", p->disk_bps / (1024.0 * 1024));
        snprintf(eta, sizeof eta, "  ETA %llu s",
                 (unsigned long long)((left + p->disk_bps - 1) / p->disk_bps));
    }
    human_bytes(p->memory_processed, mem, sizeof mem);
    snprintf(out, cap, "disk      [%s] %3u%%  %s left  %s%s  | memory %s sent  %.1f s", bar,
             pct, rem, rate, eta, mem, p->elapsed_ms / 1000.0);
}

int roam_copy_stats_take(struct roam_copy_stats *c, const Roam__V1__Progress *p)
{
    if (p->phase != ROAM__V1__PHASE__PHASE_MIGRATION || (!p->memory_total && !p->disk_total))
        return 0;
    c->memory_total = p->memory_total;
    c->memory_processed = p->memory_processed;
    c->memory_bps = p->throughput_bps;
    c->disk_total = p->disk_total;
    c->disk_processed = p->disk_processed;
    c->disk_bps = p->disk_bps;
    return 1;
}

void roam_progress_line(const Roam__V1__Progress *p, char *out, size_t cap)
{
    if (p->phase != ROAM__V1__PHASE__PHASE_MIGRATION || p->data_total == 0) {
        snprintf(out, cap, "%-16s ...", roam_phase_name(p->phase));
        return;
    }
    if (p->disk_total && p->disk_remaining) {
        disk_line(p, out, cap);
        return;
    }
    /* Later passes re-send dirtied pages, so "done" is total minus what is
     * left now, not what was processed. */
    /* The memory copy alone when libvirt reports it apart (a disk copy
     * would otherwise hold the bar at the disk's size). */
    uint64_t total = p->memory_total ? p->memory_total : p->data_total;
    uint64_t remaining = p->memory_total ? p->memory_remaining : p->data_remaining;
    uint64_t left = remaining > total ? total : remaining;
    unsigned pct = (unsigned)((total - left) * 100 / total);
    char bar[BAR + 1], rem[32], tput[32];
    fill_bar(bar, pct);
    human_bytes(left, rem, sizeof rem);
    if (p->throughput_bps)
        snprintf(tput, sizeof tput, "%.1f MiB/s", p->throughput_bps / (1024.0 * 1024));
    else
        snprintf(tput, sizeof tput, "-- MiB/s");
    if (left == 0) {
        snprintf(out, cap, "migration [%s] 100%%  memory copied; libvirt hands the VM over ...",
                 bar);
        return;
    }
    char down[40] = "";
    if (p->expected_downtime_ms)
        snprintf(down, sizeof down, "  downtime ~%llu ms",
                 (unsigned long long)p->expected_downtime_ms);
    snprintf(out, cap, "migration [%s] %3u%%  %s left  %s%s  %.1f s", bar, pct, rem, tput, down,
             p->elapsed_ms / 1000.0);
}

static void row(FILE *f, const char *name, uint64_t us)
{
    fprintf(f, "  %-28s %10.1f ms\n", name, us / 1000.0);
}

void roam_phase_table(FILE *f, const Roam__V1__PhaseTimings *t)
{
    fprintf(f, "  %-28s %13s\n", "phase", "time");
    row(f, "destination authentication", t->dest_auth_us);
    row(f, "source authentication", t->source_auth_us);
    if (t->auth_us)
        row(f, "both, side by side", t->auth_us);
    row(f, "pre-processing", t->pre_processing_us);
    row(f, "migration", t->migration_us);
    row(f, "post-processing", t->post_processing_us);
    row(f, "total", t->total_us);
    row(f, "overhead (total - migration)",
        t->total_us > t->migration_us ? t->total_us - t->migration_us : 0);
    if (t->switchover_us)
        fprintf(f, "  (the VM ran on the destination %.1f ms into the migration; libvirt's call\n"
                   "   returned %.1f ms later)\n", t->switchover_us / 1000.0,
                t->migration_us > t->switchover_us
                    ? (t->migration_us - t->switchover_us) / 1000.0 : 0.0);
}

int roam_report_json(char *out, size_t cap, const struct roam_report *r)
{
    struct roam_json j;
    roam_json_init(&j, out, cap);
    if (r->vm)
        roam_json_str(&j, "vm", r->vm);
    if (r->from)
        roam_json_str(&j, "from", r->from);
    if (r->to)
        roam_json_str(&j, "to", r->to);
    roam_json_bool(&j, "ok", r->ok);
    if (r->dry_run)
        roam_json_bool(&j, "dry_run", 1);
    if (r->code)
        roam_json_str(&j, "code", r->code);
    if (r->phase) {
        roam_json_str(&j, "phase", r->phase);
        roam_json_str(&j, "failed_phase", r->phase);
    }
    if (r->message) {
        roam_json_str(&j, "message", r->message);
        roam_json_str(&j, "error", r->message);
    }
    if (r->query_id)
        roam_json_hex(&j, "query_id", r->query_id, 16);
    const Roam__V1__PhaseTimings *t = r->t;
    if (t) {
        roam_json_obj_begin(&j, "timings_us");
        roam_json_u64(&j, "dest_auth", t->dest_auth_us);
        roam_json_u64(&j, "source_auth", t->source_auth_us);
        roam_json_u64(&j, "auth", roam_auth_wall_us(t));
        roam_json_u64(&j, "pre_processing", t->pre_processing_us);
        roam_json_u64(&j, "migration", t->migration_us);
        roam_json_u64(&j, "post_processing", t->post_processing_us);
        roam_json_u64(&j, "total", t->total_us);
        roam_json_u64(&j, "switchover", t->switchover_us);
        roam_json_obj_end(&j);
        roam_json_u64(&j, "overhead_us",
                      t->total_us > t->migration_us ? t->total_us - t->migration_us : 0);
    }
    if (r->copy) {
        roam_json_obj_begin(&j, "copy");
        roam_json_obj_begin(&j, "memory");
        roam_json_u64(&j, "total", r->copy->memory_total);
        roam_json_u64(&j, "processed", r->copy->memory_processed);
        roam_json_u64(&j, "bps", r->copy->memory_bps);
        roam_json_obj_end(&j);
        if (r->copy->disk_total) {
            roam_json_obj_begin(&j, "disk");
            roam_json_u64(&j, "total", r->copy->disk_total);
            roam_json_u64(&j, "processed", r->copy->disk_processed);
            roam_json_u64(&j, "bps", r->copy->disk_bps);
            roam_json_obj_end(&j);
        }
        roam_json_obj_end(&j);
    }
    return roam_json_finish(&j);
}

int roam_result_json(char *out, size_t cap, const char *vm, const char *from, const char *to,
                     const Roam__V1__PhaseTimings *t, const Roam__V1__Error *error)
{
    struct roam_report r = { .vm = vm, .from = from, .to = to, .ok = error == NULL, .t = t };
    if (error) {
        r.phase = roam_phase_name(error->phase);
        r.message = error->message;
    }
    return roam_report_json(out, cap, &r);
}
