/* The client's output: progress line, phase table, JSON result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "report.h"
#include "tap.h"

int main(void)
{
    char line[200];
    Roam__V1__Progress p = ROAM__V1__PROGRESS__INIT;
    p.phase = ROAM__V1__PHASE__PHASE_PRE_PROCESSING;
    roam_progress_line(&p, line, sizeof line);
    tap_ok(strstr(line, "pre-processing") != NULL, "phase line: %s", line);
    p.phase = ROAM__V1__PHASE__PHASE_MIGRATION;
    p.data_total = 100u << 20;
    p.data_remaining = 25u << 20;
    p.throughput_bps = 50u << 20;
    p.expected_downtime_ms = 120;
    p.elapsed_ms = 1500;
    roam_progress_line(&p, line, sizeof line);
    tap_ok(strstr(line, " 75%") && strstr(line, "25.0 MiB left") && strstr(line, "50.0 MiB/s") &&
           strstr(line, "downtime ~120 ms") && strstr(line, "1.5 s") &&
           strstr(line, "##################......"), "migration bar: %s", line);
    p.data_remaining = 0;
    roam_progress_line(&p, line, sizeof line);
    tap_ok(strstr(line, "100%") && strstr(line, "hands the VM over"), "copied: %s", line);
    p.data_remaining = p.data_total * 2;   /* dirtied faster than sent */
    roam_progress_line(&p, line, sizeof line);
    tap_ok(strstr(line, "  0%") != NULL, "remaining above total clamps to 0%%: %s", line);

    /* A disk copy: shown first, apart from the memory. */
    Roam__V1__Progress d = ROAM__V1__PROGRESS__INIT;
    d.phase = ROAM__V1__PHASE__PHASE_MIGRATION;
    d.disk_total = 1000u << 20;
    d.disk_remaining = 600u << 20;
    d.disk_bps = 80u << 20;
    d.memory_total = 128u << 20;
    d.memory_processed = 3u << 20;
    d.data_total = d.disk_total + d.memory_total;
    d.data_remaining = d.disk_remaining + d.memory_total;
    d.elapsed_ms = 5000;
    roam_progress_line(&d, line, sizeof line);
    tap_ok(strstr(line, "disk") && strstr(line, " 40%") && strstr(line, "600.0 MiB left") &&
           strstr(line, "80.0 MiB/s") && strstr(line, "ETA 8 s") &&
           strstr(line, "memory 3.0 MiB sent"), "disk bar: %s", line);
    d.disk_remaining = 0;
    d.memory_remaining = 32u << 20;
    d.throughput_bps = 40u << 20;
    roam_progress_line(&d, line, sizeof line);
    tap_ok(strstr(line, " 75%") && strstr(line, "32.0 MiB left") && !strstr(line, "disk"),
           "disk in step: the memory bar alone: %s", line);
    struct roam_copy_stats cs = { 0 };
    tap_ok(roam_copy_stats_take(&cs, &d) && cs.disk_total == d.disk_total &&
           cs.memory_bps == d.throughput_bps, "copy figures kept from the last Progress");
    char jc[2048];
    struct roam_report rr = { .vm = "vm", .ok = 1, .copy = &cs };
    tap_ok(roam_report_json(jc, sizeof jc, &rr) == 0 &&
           strstr(jc, "\"copy\":{\"memory\":{\"total\":134217728,") &&
           strstr(jc, "\"disk\":{\"total\":1048576000,"), "--json copy: %s", jc);

    Roam__V1__PhaseTimings t = ROAM__V1__PHASE_TIMINGS__INIT;
    t.dest_auth_us = 12300;
    t.source_auth_us = 10100;
    t.pre_processing_us = 45000;
    t.migration_us = 1234500;
    t.post_processing_us = 80200;
    t.total_us = 1400000;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    roam_phase_table(f, &t);
    fclose(f);
    tap_ok(buf && strstr(buf, "destination authentication") && strstr(buf, "12.3 ms") &&
           strstr(buf, "1234.5 ms") && strstr(buf, "overhead (total - migration)") &&
           strstr(buf, "165.5 ms"), "phase table");
    free(buf);

    char js[1024];
    tap_ok(roam_result_json(js, sizeof js, "vm\"1", "a", "b", &t, NULL) == 0 &&
           strstr(js, "\"vm\":\"vm\\\"1\"") && strstr(js, "\"ok\":true") &&
           strstr(js, "\"migration\":1234500") && strstr(js, "\"overhead_us\":165500"),
           "JSON result: %s", js);
    tap_ok(strstr(js, "\"auth\":22400") != NULL,
           "without the client's wall time, the two authentications add up: %s", js);
    t.auth_us = 13000;   /* side by side: a little more than the longer one */
    buf = NULL;
    f = open_memstream(&buf, &len);
    roam_phase_table(f, &t);
    fclose(f);
    tap_ok(buf && strstr(buf, "both, side by side") && strstr(buf, "13.0 ms"),
           "phase table shows the side-by-side wall time");
    free(buf);
    tap_ok(roam_result_json(js, sizeof js, "vm", "a", "b", &t, NULL) == 0 &&
           strstr(js, "\"auth\":13000") && strstr(js, "\"dest_auth\":12300"),
           "JSON carries the wall time beside both durations: %s", js);
    t.auth_us = 0;
    Roam__V1__Error e = ROAM__V1__ERROR__INIT;
    e.phase = ROAM__V1__PHASE__PHASE_DEST_AUTH;
    e.message = "key expired";
    tap_ok(roam_result_json(js, sizeof js, "vm", "a", "b", NULL, &e) == 0 &&
           strstr(js, "\"ok\":false") && strstr(js, "\"failed_phase\":\"destination authentication\"") &&
           strstr(js, "\"error\":\"key expired\"") && !strstr(js, "timings"),
           "JSON failure: %s", js);
    tap_ok(roam_result_json(js, 20, "vm", "a", "b", &t, NULL) < 0, "JSON overflow reported");

    static const uint8_t qid[16] = {0xab, 0x01, [15] = 0xff};
    struct roam_report r = { .vm = "vm", .from = "a", .to = "b",
                             .code = roam_outcome_code(ROAM_OUTCOME_REFUSED),
                             .phase = "source authentication", .message = "no", .query_id = qid };
    tap_ok(roam_report_json(js, sizeof js, &r) == 0 && strstr(js, "\"code\":\"refused\"") &&
           strstr(js, "\"phase\":\"source authentication\"") && strstr(js, "\"message\":\"no\"") &&
           strstr(js, "\"query_id\":\"ab01000000000000000000000000" "00ff\""),
           "JSON report: code, phase, message, query id: %s", js);
    struct roam_report u = { .code = "usage", .phase = "options", .message = "bad" };
    tap_ok(roam_report_json(js, sizeof js, &u) == 0 && !strstr(js, "\"vm\"") &&
           !strstr(js, "query_id") && strstr(js, "\"ok\":false"),
           "JSON report before the VM is known: %s", js);
    /* The statuses roam(1) documents, one per class but usage = local. */
    static const struct { enum roam_outcome o; int status; const char *code; } want[] = {
        {ROAM_OUTCOME_OK, 0, "ok"}, {ROAM_OUTCOME_REFUSED, 1, "refused"},
        {ROAM_OUTCOME_USAGE, 2, "usage"}, {ROAM_OUTCOME_LOCAL, 2, "local"},
        {ROAM_OUTCOME_UNREACHABLE, 3, "unreachable"}, {ROAM_OUTCOME_TLS, 4, "tls"},
        {ROAM_OUTCOME_MIGRATION_FAILED, 5, "migration_failed"},
        {ROAM_OUTCOME_UNKNOWN, 6, "unknown_outcome"},
        {ROAM_OUTCOME_POST_FAILED, 7, "post_processing_failed"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        tap_ok(roam_outcome_exit(want[i].o) == want[i].status &&
               strcmp(roam_outcome_code(want[i].o), want[i].code) == 0,
               "outcome %s exits %d", want[i].code, want[i].status);
    return tap_done();
}
