#!/usr/bin/env python3
"""Assembles gpunet's PTX with ptxas and writes report.json and report.md.

    ptx_report.py PTXDIR OUTDIR --tools DIR

PTXDIR is what `gpunet ptx --out PTXDIR` wrote (NAME.ptx files and kernels.json). For each
kernel and each architecture (sm_80, and sm_90 from a copy whose .target is raised, since
ILGPU 1.5.3 writes at most sm_80), it runs `ptxas -v`, keeps its log, disassembles the cubin
with nvdisasm, and records registers, spills, stack, shared memory and occupancy. For the
GEMM rungs it also counts the SASS of the main loop: the loop (a label and a branch back to
it) holding the most FFMA instructions.

Exit status: 0 when every kernel assembled for every architecture with no spill and no stack
frame; 1 otherwise (the report is still written, with an "error" per failed kernel).
"""
import argparse
import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ARCHS = ["sm_80", "sm_90"]

# Per-SM limits of an H100/H200 (sm_90), used for every occupancy figure in the report.
SM_REGISTERS = 65536
SM_SHARED_BYTES = 228 * 1024
SM_THREADS = 2048
SM_GROUPS = 32
# Allocation granularity: registers go to a warp in units of 256 (8 per thread), and each
# resident group also takes 1 KiB of shared memory reserved by the system on sm_80 and later.
REGISTER_UNIT_PER_WARP = 256
SHARED_RESERVED_PER_GROUP = 1024
SHARED_UNIT = 128
WARP = 32

PTXAS_FUNCTION = re.compile(r"Compiling entry function '([^']+)' for '(sm_\d+)'")
PTXAS_FRAME = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
PTXAS_USED = re.compile(r"Used (\d+) registers(?:, (\d+) bytes smem)?")
SASS_LINE = re.compile(r"^\s*/\*([0-9a-f]{4,})\*/\s+(?:@!?U?P[T0-9]+\s+)?([A-Z][A-Z0-9_.]*)(.*?);")
SASS_LABEL = re.compile(r"^(\.L_x_\d+):")
SASS_TARGET = re.compile(r"`\((\.L_x_\d+)\)")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def parse_ptxas(log):
    """Registers, stack, spills and shared bytes from `ptxas -v` output (one entry function)."""
    frame = PTXAS_FRAME.search(log)
    used = PTXAS_USED.search(log)
    if not frame or not used:
        return None
    return {
        "registers": int(used.group(1)),
        "shared_bytes": int(used.group(2) or 0),
        "stack_bytes": int(frame.group(1)),
        "spill_store_bytes": int(frame.group(2)),
        "spill_load_bytes": int(frame.group(3)),
    }


def occupancy(registers, shared_bytes, threads):
    warps = math.ceil(threads / WARP)
    regs_per_warp = math.ceil(registers * WARP / REGISTER_UNIT_PER_WARP) * REGISTER_UNIT_PER_WARP
    by_regs = SM_REGISTERS // (regs_per_warp * warps) if registers else SM_GROUPS
    shared = math.ceil(shared_bytes / SHARED_UNIT) * SHARED_UNIT + SHARED_RESERVED_PER_GROUP
    by_shared = SM_SHARED_BYTES // shared
    by_threads = SM_THREADS // threads
    groups = min(SM_GROUPS, by_threads, by_regs, by_shared)
    limiter = min((("threads", by_threads), ("registers", by_regs), ("shared", by_shared), ("groups", SM_GROUPS)), key=lambda x: x[1])[0]
    return groups, groups * threads / SM_THREADS, limiter


def sass_instructions(sass):
    """[(address, opcode, operands)] and {label: address} from nvdisasm output."""
    instructions, labels, pending = [], {}, []
    for line in sass.splitlines():
        label = SASS_LABEL.match(line)
        if label:
            pending.append(label.group(1))
            continue
        m = SASS_LINE.match(line)
        if m:
            address = int(m.group(1), 16)
            for name in pending:
                labels[name] = address
            pending = []
            instructions.append((address, m.group(2), m.group(3)))
    return instructions, labels


def is_int64(opcode, operands):
    """64-bit integer arithmetic: wide multiplies, carry-in halves of 64-bit adds and LEAs."""
    parts = opcode.split(".")
    base = parts[0]
    if base not in ("IMAD", "IADD3", "LEA", "IADD", "IMUL", "SHF", "ISETP"):
        return False
    return "WIDE" in parts or "X" in parts or "64" in parts or (base == "ISETP" and "EX" in parts)


def main_loop(sass):
    """Counts of the loop with the most FFMA: the instructions from its label to its back branch."""
    instructions, labels = sass_instructions(sass)
    best = None
    for i, (address, opcode, operands) in enumerate(instructions):
        if not opcode.startswith("BRA"):
            continue
        target = SASS_TARGET.search(operands)
        if not target or labels.get(target.group(1), address + 1) > address:
            continue
        start = labels[target.group(1)]
        body = [(op, rest) for a, op, rest in instructions if start <= a <= address]
        ffma = sum(1 for op, _ in body if op.split(".")[0] == "FFMA")
        key = (ffma, -len(body))
        if best is None or key > best[0]:
            best = (key, body, start, address)
    if best is None:
        return None
    _, body, start, end = best
    counts = Counter(op.split(".")[0] for op, _ in body)
    ffma = counts.get("FFMA", 0)
    lds = counts.get("LDS", 0)
    return {
        "start": f"0x{start:04x}",
        "end": f"0x{end:04x}",
        "instructions": len(body),
        "ffma": ffma,
        "ffma_share": round(ffma / len(body), 4) if body else 0.0,
        "shared_loads_per_ffma": round(lds / ffma, 4) if ffma else None,
        "ldg": counts.get("LDG", 0),
        "generic_ld": counts.get("LD", 0),
        "int64_ops": sum(1 for op, rest in body if is_int64(op, rest)),
        "opcodes": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def whole_kernel_loads(sass):
    instructions, _ = sass_instructions(sass)
    counts = Counter(op.split(".")[0] for _, op, _ in instructions)
    return {"ldg": counts.get("LDG", 0), "generic_ld": counts.get("LD", 0),
            "stg": counts.get("STG", 0), "generic_st": counts.get("ST", 0)}


def assemble(kernel, ptx_dir, out_dir, tools):
    ptx = (ptx_dir / kernel["file"]).read_text()
    rows = []
    for arch in ARCHS:
        src = ptx_dir / kernel["file"]
        if arch != "sm_80":
            # ILGPU 1.5.3 writes .target sm_80 at most; raise it in a copy for the newer arch.
            src = out_dir / "ptx" / f"{kernel['kernel']}.{arch}.ptx"
            src.parent.mkdir(parents=True, exist_ok=True)
            src.write_text(re.sub(r"^\.target\s+sm_\d+", f".target {arch}", ptx, count=1, flags=re.M))
        cubin = out_dir / "sass" / f"{kernel['kernel']}.{arch}.cubin"
        cubin.parent.mkdir(parents=True, exist_ok=True)
        result = run([str(tools / "ptxas"), "-v", f"-arch={arch}", "-o", str(cubin), str(src)])
        log = result.stdout + result.stderr
        (out_dir / "sass" / f"{kernel['kernel']}.{arch}.ptxas.log").write_text(log)
        row = {"kernel": kernel["kernel"], "arch": arch,
               "threads_per_group": kernel["threads_per_group"],
               "default_gemm": kernel["default_gemm"]}
        figures = parse_ptxas(log) if result.returncode == 0 else None
        if figures is None:
            row["error"] = log.strip().splitlines()[-1] if log.strip() else f"ptxas exit {result.returncode}"
            rows.append(row)
            continue
        row.update(figures)
        groups, occ, limiter = occupancy(figures["registers"], figures["shared_bytes"], kernel["threads_per_group"])
        row.update(groups_per_sm=groups, occupancy=round(occ, 4), occupancy_limiter=limiter)
        dis = run([str(tools / "nvdisasm"), "-c", str(cubin)])
        sass = dis.stdout
        (out_dir / "sass" / f"{kernel['kernel']}.{arch}.sass").write_text(sass)
        row["loads"] = whole_kernel_loads(sass)
        if kernel.get("gemm_rung"):
            row["gemm_rung"] = kernel["gemm_rung"]
            row["main_loop"] = main_loop(sass)
        rows.append(row)
    return rows


def failures(row):
    if "error" in row:
        return [f"{row['kernel']} {row['arch']}: {row['error']}"]
    out = []
    if row["spill_store_bytes"] or row["spill_load_bytes"]:
        out.append(f"{row['kernel']} {row['arch']}: spills {row['spill_store_bytes']} B stores, {row['spill_load_bytes']} B loads")
    if row["stack_bytes"]:
        out.append(f"{row['kernel']} {row['arch']}: {row['stack_bytes']} B stack frame")
    return out


def markdown(rows):
    lines = ["| kernel | arch | registers | spill st/ld B | stack B | shared B | threads | groups/SM | occupancy | limiter |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        name = r["kernel"] + (" (default GEMM)" if r.get("default_gemm") else "")
        if "error" in r:
            lines.append(f"| {name} | {r['arch']} | error: {r['error']} | | | | | | | |")
            continue
        lines.append(f"| {name} | {r['arch']} | {r['registers']} | {r['spill_store_bytes']}/{r['spill_load_bytes']} | {r['stack_bytes']} | "
                     f"{r['shared_bytes']} | {r['threads_per_group']} | {r['groups_per_sm']} | {r['occupancy']:.1%} | {r['occupancy_limiter']} |")
    lines += ["", "GEMM main loops (SASS between the loop's label and its back branch):", "",
              "| kernel | arch | instructions | FFMA | FFMA share | LDS per FFMA | LDG | generic LD | 64-bit int ops | top opcodes |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        loop = r.get("main_loop")
        if not loop:
            continue
        top = ", ".join(f"{k} {v}" for k, v in list(loop["opcodes"].items())[:6])
        per = "" if loop["shared_loads_per_ffma"] is None else f"{loop['shared_loads_per_ffma']:.3f}"
        lines.append(f"| {r['kernel']} | {r['arch']} | {loop['instructions']} | {loop['ffma']} | {loop['ffma_share']:.1%} | "
                     f"{per} | {loop['ldg']} | {loop['generic_ld']} | {loop['int64_ops']} | {top} |")
    return "\n".join(lines) + "\n"


def launches_markdown(launches):
    lines = ["", "Launches of the training step's GEMMs and bias-gradient sums on an H200 (132 SMs), from `gpunet ptx`'s launches.json:", "",
             "| op | M×N×K | layout | kernel | splits | groups | why fewer than 132 |", "|---|---|---|---|---|---|---|"]
    for l in launches:
        lines.append(f"| {l['op']} | {l['m']}×{l['n']}×{l['k']} | {l['layout']} | {l['kernel']} | {l['splits']} | {l['groups']} | {l['why_fewer'] or ''} |")
    return "\n".join(lines) + "\n"


def limits_markdown():
    lines = [f"Occupancy from H100/H200 per-SM limits: {SM_REGISTERS} registers, {SM_SHARED_BYTES // 1024} KiB shared memory, "
              f"{SM_THREADS} threads, {SM_GROUPS} groups; registers allocated per warp in units of {REGISTER_UNIT_PER_WARP}, "
              f"{SHARED_RESERVED_PER_GROUP} B of shared memory reserved per group."]
    return "\n" + "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ptx_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--tools", type=Path, required=True, help="folder holding ptxas and nvdisasm")
    args = parser.parse_args()
    kernels = json.loads((args.ptx_dir / "kernels.json").read_text())
    rows = [row for k in kernels for row in assemble(k, args.ptx_dir, args.out_dir, args.tools)]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "report.json").write_text(json.dumps(rows, indent=2) + "\n")
    launches_file = args.ptx_dir / "launches.json"
    launches = json.loads(launches_file.read_text()) if launches_file.exists() else []
    (args.out_dir / "report.md").write_text(markdown(rows) + limits_markdown() + launches_markdown(launches))
    problems = [p for r in rows for p in failures(r)]
    for p in problems:
        print(f"ptx-report: {p}", file=sys.stderr)
    print(f"ptx-report: {len(kernels)} kernels x {len(ARCHS)} architectures, {len(problems)} problems; "
          f"{args.out_dir / 'report.json'}, {args.out_dir / 'report.md'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
