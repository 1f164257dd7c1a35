#!/usr/bin/env bash
# Regenerates every table and plot of docs/results.md: the shadow-paging-versus-EPT study.
# Usage: bash docs/results/run-study.sh   (from the repository root; a few minutes on two cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/results
vtsim() { ./vtsim "$@"; }
run() { # name, then the compare arguments
    local name=$1; shift
    rm -rf "$out/$name"
    vtsim compare "$@" --out "$out/$name" --progress none > "$out/$name.txt"
}
# 1. The default suite, every mode, default host pages (2 MiB where the slot allows).
run suite hello compute memwalk pt-churn io timer syscall --mode native,ept,shadow
# 2. Static page tables, TLB-miss-heavy: working-set size with 4 KiB host pages, long runs.
run working-set-4k 'memwalk touches=2000000' --sweep ws=1024,4096,8192,16384,32768 --no-host-large-pages
# 3. Large pages: the same walk with 2 MiB guest pages, 4 KiB against 2 MiB host pages.
run host-pages 'memwalk touches=2000000 ws=32768 pages=2m' --sweep host-pages=4k,2m
run guest-pages 'memwalk touches=2000000 ws=32768' --sweep pages=4k,2m --no-host-large-pages
# 4. Page-table churn: less work per round is a higher churn rate.
run churn-rate 'pt-churn rounds=20' --sweep work=0,1000,10000,50000
# 5. Context switches: four address spaces, a CR3 load every N touches.
run context-switch 'memwalk ws=4096 procs=4 touches=400000' --sweep switch=10000,1000,100
