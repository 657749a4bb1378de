#!/bin/sh
# run_peer.sh PEER [BUILD_DIR]: nqmtop's engine and a peer implementation
# side by side on the same sizes, one table. Not a test.
#
# PEER is the path of the peer script (shared/bench/peer.py: the relu NQM
# on App. J.1-style data, GD on mse, the top two eigenvalues of the kernel
# at every step, in numpy and PyTorch); it runs under /usr/bin/python3.
# BUILD_DIR (default build-d) holds tests/bench/bench_engine. Each size
# runs nqmtop, then each peer backend, one after the other on the same
# machine, so a busy machine slows both alike; the table shows the load,
# and nqmtop's CPU time per step (all its threads) beside its rate.
# Columns: steps per second of nqmtop and of each backend, and nqmtop's
# rate over the best backend's.
#
# Environment: SIZES ("n d m" per line, default: paper scale, the width
# sweep, n = 256 at d = 3072, the example sweep), BACKENDS (default
# "numpy numpy-jac torch"), SECONDS_PER_RUN (default 3), MEM_GB (peers
# whose n x m and n x p arrays would need more are skipped; default 8).
set -u
peer=${1:?usage: run_peer.sh PEER [BUILD_DIR]}
build=${2:-build-d}
bench=$build/tests/bench/bench_engine
[ -x "$bench" ] || { echo "run_peer.sh: no $bench (build first)" >&2; exit 2; }
[ -r "$peer" ] || { echo "run_peer.sh: cannot read $peer" >&2; exit 2; }
python=/usr/bin/python3
backends=${BACKENDS:-numpy numpy-jac torch}
secs=${SECONDS_PER_RUN:-3}
mem_gb=${MEM_GB:-8}
sizes=${SIZES:-"128 1 5000
128 1 1000
128 1 10000
128 1 100000
128 1 1000000
256 3072 5000
32 1 20000
64 1 20000
256 1 20000
512 1 20000"}

# peer_steps N D M: steps for about $secs seconds of a peer at ~10 Gflop/s
# (at least 10, so that its first, slower steps weigh little).
peer_steps() {
    awk -v n="$1" -v d="$2" -v m="$3" -v s="$secs" 'BEGIN {
        flops = 4 * n * n * m + 6 * n * d * m + 10 * n * m
        k = int(s * 1e10 / flops); if (k < 10) k = 10; if (k > 500) k = 500; print k }'
}

# peer_fits BACKEND N D M: whether its arrays fit in MEM_GB.
peer_fits() {
    awk -v b="$1" -v n="$2" -v d="$3" -v m="$4" -v g="$mem_gb" 'BEGIN {
        bytes = 8 * n * m * 6 + 8 * m * d * 4
        if (b == "numpy-jac") bytes += 8 * 3 * n * m * (d + 1)
        exit !(bytes <= g * 2^30) }'
}

header=$("$bench" --steps 1 --time 0.1 --size 1 1 10 | sed -n 1p)
echo "$header"
echo "# $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg); peer: $peer"
printf '%-5s %-5s %-8s %11s %11s %9s' n d m nqmtop_st/s cpu_ms/step rss_MB
for b in $backends; do printf ' %11s' "$b"; done
printf ' %9s\n' speedup

echo "$sizes" | while read -r n d m; do
    [ -n "$n" ] || continue
    line=$("$bench" --steps 1000000 --time "$secs" --size "$n" "$d" "$m" | sed -n 3p)
    ours=$(echo "$line" | awk '{print $7}')
    cpu=$(echo "$line" | awk '{printf "%.3f", $9 * 1000}')
    rss=$(echo "$line" | awk '{print $10}')
    printf '%-5s %-5s %-8s %11s %11s %9s' "$n" "$d" "$m" "$ours" "$cpu" "$rss"
    best=0
    for b in $backends; do
        if ! peer_fits "$b" "$n" "$d" "$m"; then
            printf ' %11s' "(memory)"
            continue
        fi
        out=$("$python" "$peer" --backend "$b" --n "$n" --d "$d" --m "$m" \
            --steps "$(peer_steps "$n" "$d" "$m")" 2>/dev/null)
        rate=$(echo "$out" | sed -n 's/.*steps_per_s=\([0-9.]*\).*/\1/p')
        [ -n "$rate" ] || rate="failed"
        printf ' %11s' "$rate"
        best=$(awk -v a="$best" -v r="$rate" 'BEGIN { print (r + 0 > a + 0) ? r : a }')
    done
    awk -v o="$ours" -v b="$best" 'BEGIN {
        if (b > 0) printf " %8.1fx\n", o / b; else printf " %9s\n", "-" }'
done
