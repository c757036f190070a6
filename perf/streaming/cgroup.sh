#!/bin/sh
# Issue 13's target run: one epoch of the 1.2 GB uint8 .npy (written by measure.py into WORKDIR) inside a 500 MB memory
# cgroup (v1), with the file's pages dropped from the page cache first, so every page the run reads is charged to the limit.
# Needs root. Usage: perf/streaming/cgroup.sh GPUNET_DLL WORKDIR
set -eu
dll=$1 work=$2
cg=/sys/fs/cgroup/memory/gpunet-stream-$$
mkdir "$cg"
echo $((500 * 1024 * 1024)) > "$cg/memory.limit_in_bytes"
/usr/bin/python3 -c "
import os, sys
for f in sys.argv[1:]:
    fd = os.open(f, os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)
" "$work/big_x.npy" "$work/big_y.npy"
# The cgroup's anonymous memory (memory.stat "rss": the heap, the staging buffers; not the file's pages), polled every 0.1 s.
( peak=0; while [ -d "$cg" ]; do r=$(awk '$1 == "rss" { print $2 }' "$cg/memory.stat" 2>/dev/null || echo 0); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" > "$work/cgroup.anon"; sleep 0.1; done ) &
poller=$!
trap 'kill $poller 2>/dev/null; rmdir "$cg"' EXIT
/usr/bin/time -v sh -c "echo \$\$ > $cg/cgroup.procs && exec nice -n 15 dotnet $dll train --data $work/big_x.npy --labels $work/big_y.npy --epochs 1 --device cpu --model softmax --quiet" \
    > "$work/cgroup.out" 2> "$work/cgroup.err"
cat "$work/cgroup.out"
grep -E "Maximum resident|Elapsed" "$work/cgroup.err"
echo "cgroup anonymous memory peak (polled): $(( $(cat "$work/cgroup.anon") / 1048576 )) MiB"
echo "cgroup peak charge (page cache included): $(( $(cat "$cg/memory.max_usage_in_bytes") / 1048576 )) MiB of 500 MiB; times the limit was hit: $(cat "$cg/memory.failcnt")"
