#!/bin/sh
# bench/paper/report without the lab: a fixture results dir (a quick run's
# CSV in miniature, tests/bench/paper-fixture) must give docs tables with
# the right means, medians and spreads, the paper's numbers beside them,
# and three PNG plots (that part skipped where gnuplot is missing); a dir
# without measurements says so; bad usage is refused.
# usage: test_paper_report.sh REPORT FIXTURE_DIR
REPORT=$1 FIX=$2
T=$(mktemp -d /tmp/roam-paper-test.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

mkdir "$T/res" "$T/docs" "$T/empty"
cp "$FIX"/*.csv "$FIX"/notes.md "$T/res/"
expect 0 "the report is generated from the fixture" python3 "$REPORT" "$T/res" --doc "$T"/docs/evaluation.md
md="$T"/docs/evaluation.md
has() { grep -qF -- "$1" "$md"; ok $? "$2"; }
has "**This is a quick run**" "a quick run is labelled as such"
has "| CPU | Fixture CPU, 2 cores |" "the setup table quotes the machine"
has "Fixture note: the machine was idle." "the run's notes are quoted"
# Fig. 5: L3 local at 40 %: total 3100 and 3400 -> 3250 / 3250 (3100-3400);
# overhead 100 and 200 -> 150.
has "| L3 local | 40 | 2 | 25.0 / 25.0 (20.0–30.0) | 20.0 / 20.0 (18.0–22.0) |" "Fig. 5: auth phases, mean / median (min–max)"
has "3250.0 / 3250.0 (3100.0–3400.0) | 150.0 / 150.0 (100.0–200.0) |" "Fig. 5: total and overhead"
has "| L3 WAN | 80 | 1 |" "Fig. 5: the WAN row"
has "at most **4.78 s**" "Fig. 5: the paper's overhead beside roam's"
# Fig. 6: KEM means and the end-to-end cells; a size that failed end to end.
has "| 1 | 5.00 | 4.90 (4.00–7.00) | 4.00 | 3.90 (3.00–6.00) | 25.0 (24.0) n=40 | 20.0 (19.0) n=50 |" "Fig. 6: one attribute"
has "| 2 | 8.00 | 7.50 (7.00–12.00) | 5.00 | 4.80 (4.00–9.00) | – | – |" "Fig. 6: a failed end-to-end size shows no figure"
# Table 3: L2 at 40 %: gap at 0.1 s 200, 300 -> 250; TCP 2/2; paper 320.
has "| L2 | 40 | 2 | 250 / 250 (200–300) | 200 / 200 (150–250) | 120 / 120 (100–140) | 2/2 | 320 |" "Table 3: L2 row with the paper's value"
has "| L3 local | 40 | 2 | 600 / 600 (500–700) | 550 / 550 (450–650) | 140 / 140 (120–160) | 1/2 | 760 |" "Table 3: a lost TCP session is counted"
has "| L3 WAN | 80 | 1 | 1000 / 1000 (1000–1000) |" "Table 3: the WAN row"

if command -v gnuplot >/dev/null 2>&1; then
    for p in fig5 fig6 table3; do
        head -c 8 "$T/res/$p.png" 2>/dev/null | od -An -c | grep -q 'P   N   G'
        ok $? "$p.png is a PNG"
        has "](../res/$p.png)" "$p.png is linked relative to the document"
    done
    if ls "$T/res"/*.dat >/dev/null 2>&1; then left=1; else left=0; fi
    ok "$left" "no plot data files are left behind"
else
    n=$((n + 1))
    echo "ok $n # SKIP gnuplot is not installed: no plots to check"
fi

# The WAN target (L3 WAN within one RTT of L2 WAN), from a series beside the
# results: 40 %: beyond downtime L2 100, 120 -> 110, L3 150, 140 -> 145:
# +35, 9 ms over the 25.67 ms RTT; 80 %: L2 100, L3 110: +10, met.
expect 0 "the report takes an L2/L3 WAN series" python3 "$REPORT" "$T/res" --doc "$T"/docs/wan.md --wan "$FIX"/wan/series-wan.csv
md="$T"/docs/wan.md
has "| 40 | 2 | 310 (300–320) | 200 (200–200) | 110 (100–120) | 2 | 345 (340–350) | 200 (200–200) | 145 (140–150) | +35 | +35 | 3/4 | missed by 9 ms |" "WAN target: medians, spread, TCP and a miss by the right margin"
has "| 80 | 1 | 400 (400–400) | 300 (300–300) | 100 (100–100) | 1 | 410 (410–410) | 300 (300–300) | 110 (110–110) | +10 | +10 | 2/2 | met |" "WAN target: met within one RTT"
has "Fixture WAN conditions: the machine was idle." "WAN target: the series' conditions are quoted"
expect 2 "a missing WAN series is refused" python3 "$REPORT" "$T/res" --wan "$T/nonexistent.csv"
md="$T"/docs/evaluation.md

expect 0 "a results dir without measurements still gives a page" python3 "$REPORT" "$T/empty" --doc "$T"/docs/empty.md
grep -q "Not measured in this run" "$T"/docs/empty.md; ok $? "... which says what was not measured"
expect 2 "a missing results dir is refused" python3 "$REPORT" "$T/nonexistent"
expect 2 "bad usage is refused" python3 "$REPORT" "$T/res" --bogus x
tap_done
