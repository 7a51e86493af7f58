#!/usr/bin/env python3
"""The report of tools/device-check: reads OUT/logs (steps.tsv and each step's output) and
writes OUT/device-check.json and OUT/device-check.md.  usage: device_report.py OUT DEVICE QUICK
"""
import json
import os
import re
import sys

# Peak DRAM bandwidth in GB/s from the vendors' specifications, matched on the device name
# (first match wins: the longer, more specific names come first).
PEAK_DRAM_GBPS = [
    ("H200", 4800, "NVIDIA H200: 4.8 TB/s HBM3e"),
    ("H100 NVL", 3900, "NVIDIA H100 NVL: 3.9 TB/s HBM3"),
    ("H100 PCIe", 2000, "NVIDIA H100 PCIe: 2.0 TB/s HBM2e"),
    ("H100", 3350, "NVIDIA H100 SXM5: 3.35 TB/s HBM3"),
    ("GH200", 4000, "NVIDIA GH200: 4.0 TB/s HBM3"),
    ("A100-SXM4-80GB", 2039, "NVIDIA A100 80GB SXM: 2.04 TB/s"),
    ("A100 80GB PCIe", 1935, "NVIDIA A100 80GB PCIe: 1.94 TB/s"),
    ("A100", 1555, "NVIDIA A100 40GB: 1.56 TB/s"),
    ("L40S", 864, "NVIDIA L40S: 864 GB/s"),
    ("L4", 300, "NVIDIA L4: 300 GB/s"),
    ("V100", 900, "NVIDIA V100: 900 GB/s"),
    ("T4", 320, "NVIDIA T4: 320 GB/s"),
    ("RTX 4090", 1008, "NVIDIA GeForce RTX 4090: 1008 GB/s"),
    ("RTX 3090", 936, "NVIDIA GeForce RTX 3090: 936 GB/s"),
    ("MI300X", 5300, "AMD Instinct MI300X: 5.3 TB/s"),
    ("MI250X", 3277, "AMD Instinct MI250X: 3.28 TB/s"),
    ("MI210", 1638, "AMD Instinct MI210: 1.64 TB/s"),
    ("Max 1550", 3277, "Intel Data Center GPU Max 1550: 3.28 TB/s"),
]


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def as_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def cunit_summary(text):
    """(tests run, tests failed, asserts run, asserts failed) from CUnit's run summary."""
    t = re.search(r"^\s+tests\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", text, re.M)
    a = re.search(r"^\s+asserts\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", text, re.M)
    if not t or not a:
        return None
    return {"tests": int(t.group(2)), "tests_failed": int(t.group(4)),
            "asserts": int(a.group(2)), "asserts_failed": int(a.group(4))}


def peak_of(name):
    for key, gbps, what in PEAK_DRAM_GBPS:
        if key.lower() in name.lower():
            return gbps, what
    return None, None


def main():
    out, device, quick = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    logs = os.path.join(out, "logs")
    steps = []
    for line in read(os.path.join(logs, "steps.tsv")).splitlines():
        name, rc, seconds, command = line.split("\t", 3)
        steps.append({"name": name, "status": int(rc), "seconds": float(seconds),
                      "command": command})
    report = {"device_selector": device, "quick": quick, "steps": steps}
    for s in steps:
        text = read(os.path.join(logs, s["name"] + ".out"))
        err = read(os.path.join(logs, s["name"] + ".err")).strip().splitlines()
        if s["status"] != 0:
            s["error"] = ("timed out" if s["status"] in (124, 137) else
                          "skipped: out of time" if s["status"] == -1 else
                          (err[-1] if err else "exit status %d" % s["status"]))
        if s["name"].startswith("suite-"):
            s["result"] = cunit_summary(text)
            if s["result"] and s["result"]["tests_failed"]:
                s["failures"] = [l.strip() for l in text.splitlines()
                                 if re.match(r"\s+\d+\. ", l)][:20]
        else:
            s["result"] = as_json(text)
            if s["result"] is None and text.strip():
                s["output"] = text[-4000:]

    def result(name):
        for s in steps:
            if s["name"] == name:
                return s.get("result")
        return None

    devices = result("devices") or []
    chosen = None
    for d in devices:
        want = device.lower()
        if (want in ("gpu", "cpu", "accelerator") and d["type"].lower() == want) or \
                d["selector"] == device or want in d["name"].lower():
            chosen = d
            break
    report["device"] = chosen
    smi = read(os.path.join(logs, "nvidia-smi.out")).strip()
    if smi:
        report["nvidia_smi"] = smi
    peak, peak_what = peak_of(chosen["name"]) if chosen else (None, None)
    report["peak_dram_gbps"] = peak
    report["peak_dram_source"] = peak_what

    bench = result("bench-step")
    bench = bench if isinstance(bench, list) else [bench] if bench else []
    for r in bench:
        if peak:
            r["fraction_of_peak_dram"] = round(r["gbps"] / peak, 4)
    cpu_row = result("bench-step-cpu-row")
    if isinstance(cpu_row, dict) and bench:
        gpu_adam = next((r for r in bench if r["optimizer"].startswith("Adam(")), None)
        if gpu_adam:
            report["row_ratio_adam"] = round(gpu_adam["gbps"] / cpu_row["gbps"], 4)
    traj = result("bench-trajectories")
    traj = traj if isinstance(traj, list) else [traj] if traj else []
    train = result("train") or []

    with open(os.path.join(out, "device-check.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    md = []
    if chosen:
        t = chosen.get("tuning", {})
        mem = chosen.get("global_mem_bytes", chosen.get("global_memory", 0))
        extra = ""
        if "max_work_group_size" in chosen:
            extra = ", max work-group %d, local memory %d KiB" % (
                chosen["max_work_group_size"], chosen.get("local_mem_bytes", 0) // 1024)
        md.append("Device: **%s** (%s, %s; %s%s), %d compute units, %.1f GiB%s." %
                  (chosen["name"], chosen["type"], chosen["platform"], chosen["version"],
                   ", driver " + chosen["driver"] if "driver" in chosen else "",
                   chosen["compute_units"], mem / 2**30, extra))
        if t:
            md.append("Tuning row `%s`: work-groups of %d, %d elements per work-item (%s); "
                      "trajectories %d per vector, up to %d vectors per work-item, %d per "
                      "work-group." % (t["row"], t["wgs"], t["work_per_item"],
                                       "contiguous" if t["contiguous"] else "strided",
                                       t["lanes"], t["groups"], t["trajectory_wgs"]))
    else:
        md.append("Device: no OpenCL device matched `%s`." % device)
    md.append("Peak DRAM bandwidth: %s." % (peak_what if peak else "unknown for this name"))
    if quick:
        md.append("Quick mode (smaller sizes): the figures show the report's shape, not the "
                  "device's speed.")
    md.append("")
    md.append("| step | status | seconds |")
    md.append("| --- | --- | ---: |")
    for s in steps:
        r = s.get("result")
        if s["name"].startswith("suite-") and r:
            status = "%d tests, %d failed; %d asserts, %d failed" % (
                r["tests"], r["tests_failed"], r["asserts"], r["asserts_failed"])
        else:
            status = "ok" if s["status"] == 0 else ""
        if s["status"] == -1:
            status = "skipped: out of time"
        elif s["status"] != 0:
            status = (status + "; " if status else "") + "FAILED: " + s.get("error", "")
        md.append("| %s | %s | %.1f |" % (s["name"], status.replace("|", "/"), s["seconds"]))
    if bench:
        md.append("")
        md.append("`clopt bench step --all`: %d parameters, one tensor; GB/s (the bytes a "
                  "step must move over its best time); /bound (the same-traffic kernel on the "
                  "device) and /C (a C loop on the host): medians over rounds of each round's "
                  "ratio." % bench[0]["size"])
        md.append("")
        md.append("| optimizer | ms | GB/s | of peak DRAM | bound GB/s | /bound | C loop GB/s "
                  "| /C | 1024-parameter step (us) |")
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in bench:
            md.append("| %s | %.3f | %.1f | %s | %.1f | %.2f | %.1f | %.2f | %.1f |" % (
                r["optimizer"], 1e3 * r["seconds_best"], r["gbps"],
                "%.0f%%" % (100 * r["fraction_of_peak_dram"]) if peak else "n/a",
                r["bound_gbps"], r["ratio_bound"], r["c_loop_gbps"], r["ratio_c_loop"],
                1e6 * r["small_step_seconds"]))
        if "row_ratio_adam" in report:
            md.append("")
            md.append("Adam with this row / with the CPU row (CLOPT_TUNING=cpu) on the same "
                      "device: %.2fx." % report["row_ratio_adam"])
    explore = result("bench-explore")
    if traj:
        md.append("")
        md.append("`clopt bench trajectories`: G steps/s of the engine against C loops on the "
                  "host (naive; blocked over 256 trajectories, the update only; blocked with "
                  "the engine's records: f and divergence at every step; — where the build "
                  "predates that loop).")
        md.append("")
        md.append("| optimizer | function | starts x steps | engine G steps/s | naive C | "
                  "blocked C | blocked C, same records | /naive | /blocked | /same records "
                  "| max difference |")
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in traj:
            rec = r.get("blocked_record_c_gps")
            ratio_rec = r.get("ratio_blocked_record")
            md.append("| %s | %s | %d x %d | %.3f | %.4f | %.4f | %s | %.1f | %.2f | %s | %.2g |" % (
                r["optimizer"], r["function"], r["starts"], r["steps"], r["engine_gps"],
                r["naive_c_gps"], r["blocked_c_gps"], "—" if rec is None else "%.4f" % rec,
                r["ratio_naive"], r["ratio_blocked"],
                "—" if ratio_rec is None else "%.2f" % ratio_rec, r["max_difference"]))
    split = [r for r in (traj or []) + ([explore] if explore else []) if r.get("kernel_gps")]
    if split:
        md.append("")
        md.append("Where the engine's time went (the device's profile of its commands; the "
                  "rest is host work, launch and wait latencies):")
        md.append("")
        md.append("| benchmark | kernel alone G steps/s | engine / kernel alone | transfers "
                  "| host and waits |")
        md.append("| --- | ---: | ---: | ---: | ---: |")
        for r in split:
            md.append("| %s | %.3f | %.2f | %.1f%% | %.1f%% |" % (
                r["benchmark"], r["kernel_gps"], r["ratio_kernel"],
                100 * r["transfers_share"], 100 * r["host_share"]))
    if explore is not None:
        md.append("")
        md.append("`clopt bench explore`:")
        md.append("")
        md.append("```json")
        md.append(json.dumps(explore, indent=1)[:3000])
        md.append("```")
    if isinstance(train, list) and train:
        md.append("")
        md.append("`clopt train --epochs 1` (784-256-10 MLP, Fashion-MNIST, batch 128):")
        md.append("")
        md.append("| optimizer | seconds | examples/s | step (s) | products (s) | test accuracy |")
        md.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        for r in train:
            last = r["epochs"][-1] if r.get("epochs") else {}
            md.append("| %s | %.2f | %.0f | %.3f | %.3f | %.4f |" % (
                r["optimizer"], r["seconds"], r["examples_per_second"], r["step_seconds"],
                r["products_seconds"], last.get("test_accuracy", float("nan"))))
    with open(os.path.join(out, "device-check.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    failed = [s["name"] for s in steps if s["status"] != 0]
    if failed:
        print("\ndevice-check: failed: " + ", ".join(failed), file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
