#!/usr/bin/env python3
"""Turns JMH JSON results (-rf json) into the Markdown table of bench/README.md.

Usage: python3 bench/jmh_table.py results/a.json [results/b.json ...]
A later file replaces an earlier file's result for the same benchmark and parameters (for reruns); the
"Run" column names the file each row comes from (1 = the first).
"""
import json
import sys


def fragments(family, size, mtu):
    """Fragment count, as FragmentationBenchmark.fragmentCount computes it."""
    if family == "IPV6":
        fragmentable, per = size - 40, (mtu - 48) & ~7
    else:
        fragmentable, per = size - 20, (mtu - 20) & ~7
    return -(-fragmentable // per)


def derived(name, params, ns):
    """A per-benchmark derived throughput column (single thread, from the average time)."""
    if name == "ChecksumBenchmark.sum":
        return f"{int(params['size']) / ns:.1f} GB/s"
    if name.startswith("ChecksumBenchmark.udpVerify"):
        return f"{1400 / ns:.1f} GB/s"
    if name in ("FragmentationBenchmark.fragment", "ReassemblyBenchmark.reassemble"):
        n = fragments(params["family"], int(params["size"]), int(params["mtu"]))
        return f"{n} frags, {ns / n:.0f} ns/frag, {int(params['size']) * 8 / ns:.1f} Gbit/s"
    return f"{1000 / ns:.1f} Mpps"


def main(paths):
    results = {}
    for run, path in enumerate(paths, 1):
        for r in json.load(open(path)):
            name = ".".join(r["benchmark"].split(".")[-2:])
            params = r.get("params", {})
            key = (name, tuple(sorted(params.items())))
            results[key] = (name, params, r, run)
    print("| Benchmark | Parameters | ns/op | ± error | Derived | B/op | Run |")
    print("|---|---|---:|---:|---|---:|---:|")
    for name, params, r, run in results.values():
        pm = r["primaryMetric"]
        ns = pm["score"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        shown = " ".join(f"{k}={v}" for k, v in params.items()) or "–"
        alloc_text = "n/a" if alloc is None else f"{alloc:.3f}"
        print(f"| {name} | {shown} | {ns:.1f} | {pm['scoreError']:.1f} | {derived(name, params, ns)} | {alloc_text} | {run} |")


if __name__ == "__main__":
    main(sys.argv[1:])
