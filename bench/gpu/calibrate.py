#!/usr/bin/env python3
"""LLM Fleet GPU calibration benchmark.

Measures kernel efficiencies that the LLM Fleet planner uses to predict vLLM
performance, and writes them to ONE self-describing JSON file:

  1. HBM bandwidth: full-tensor reductions (several kernels, best one kept) and copy.
  2. bf16 and fp8 GEMMs at decode batch sizes on real model layer shapes.
  3. MoE expert GEMMs at small tokens-per-expert: per-expert loop vs padded bmm.
  4. Decode attention (q length 1, GQA) over a contiguous KV cache.
  5. A whole decode step of a dense and of a MoE model (random weights).

Only the Python standard library and PyTorch are used. No network access.

  GPU run (about 3 to 8 minutes):  python3 bench/gpu/calibrate.py --out results.json
  GPU smoke run (under a minute):  python3 bench/gpu/calibrate.py --quick --out /tmp/smoke.json
  CPU smoke run (tiny shapes):     python3 bench/gpu/calibrate.py --quick --device cpu --out /tmp/smoke.json

Timing: on a GPU each measurement is warmed up, then timed with CUDA events
(HIP events on ROCm); small operations are captured in a CUDA graph that
repeats them many times so launch overhead is not measured. The median of the
repetitions is reported. On the CPU plain wall-clock timing is used; CPU
numbers are only a smoke test and mean nothing.
"""

from __future__ import print_function

import argparse
import datetime
import gc
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import traceback

try:
    import torch
    import torch.nn.functional as F
except Exception as _ex:  # pragma: no cover - depends on the host
    sys.stderr.write("calibrate.py needs PyTorch (import torch failed: %s)\n" % (_ex,))
    sys.exit(2)

SCHEMA = "llmfleet.gpu-calibration/1"
SCRIPT_VERSION = "1.0"
KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
T_START = time.time()


def log(msg):
    sys.stderr.write("[calibrate %7.1fs] %s\n" % (time.time() - T_START, msg))
    sys.stderr.flush()


# ---------------------------------------------------------------------------
# Datasheet peaks (dense, no structured sparsity). Used only to express the
# measured rates as fractions; override with --peak-* arguments. The first
# matching row wins, so the more specific names come first.
# (substrings that must all occur in the lower-cased device name, label,
#  bf16 TFLOP/s, fp8 TFLOP/s, HBM GB/s (1 GB = 1e9 bytes))
# ---------------------------------------------------------------------------
PEAK_TABLE = [
    (("gh200",), "GH200 (not in table)", None, None, None),
    (("gb200",), "GB200 (not in table)", None, None, None),
    (("h100", "nvl"), "H100 NVL", 835.0, 1671.0, 3900.0),
    (("h100", "pcie"), "H100 PCIe", 756.0, 1513.0, 2000.0),
    (("h100",), "H100 SXM", 989.4, 1978.9, 3350.0),
    (("h200", "nvl"), "H200 NVL", 835.0, 1671.0, 4800.0),
    (("h200",), "H200 SXM", 989.4, 1978.9, 4800.0),
    (("b200",), "B200", 2250.0, 4500.0, 8000.0),
    (("a100", "40gb"), "A100 40GB", 312.0, None, 1555.0),
    (("a100", "pcie"), "A100 80GB PCIe", 312.0, None, 1935.0),
    (("a100",), "A100 80GB SXM", 312.0, None, 2039.0),
    (("mi300x",), "MI300X", 1307.4, 2614.9, 5300.0),
    (("mi325x",), "MI325X", 1307.4, 2614.9, 6000.0),
]

# Section 2: (model, layer, K = input features, N = output features).
GEMM_SHAPES = [
    ("Llama-3.1-8B", "qkv_proj", 4096, 6144),
    ("Llama-3.1-8B", "o_proj", 4096, 4096),
    ("Llama-3.1-8B", "gate_up_proj", 4096, 28672),
    ("Llama-3.1-8B", "down_proj", 14336, 4096),
    ("Llama-3.1-70B/TP8", "qkv_proj", 8192, 10240 // 8),
    ("Llama-3.1-70B/TP8", "o_proj", 8192 // 8, 8192),
    ("Llama-3.1-70B/TP8", "gate_up_proj", 8192, 57344 // 8),
    ("Llama-3.1-70B/TP8", "down_proj", 28672 // 8, 8192),
    ("Qwen3-30B-A3B", "qkv_proj", 2048, 5120),
    ("Qwen3-30B-A3B", "o_proj", 4096, 2048),
    ("DeepSeek-V3/TP8", "q_a_proj", 7168, 1536),
    ("DeepSeek-V3/TP8", "o_proj", 16384 // 8, 7168),
]
GEMM_M = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
GEMM_M_QUICK = [1, 16]

# Section 3: MoE experts. local_experts = experts held by the measured GPU.
MOE_CASES = [
    dict(model="Qwen3-30B-A3B", experts=128, local_experts=128, hidden=2048, inter=768, topk=8,
         parallel="EP1 (all experts on one GPU)"),
    dict(model="DeepSeek-V3/EP8", experts=256, local_experts=32, hidden=7168, inter=2048, topk=8,
         parallel="EP8: 32 of 256 routed experts on this GPU"),
]
MOE_CASES_QUICK = [
    dict(model="Qwen3-30B-A3B(quick)", experts=16, local_experts=16, hidden=128, inter=48, topk=4,
         parallel="EP1"),
    dict(model="DeepSeek-V3/EP8(quick)", experts=32, local_experts=8, hidden=128, inter=64, topk=4,
         parallel="EP4"),
]
MOE_TOKENS = [1, 8, 64, 256, 1024]
MOE_TOKENS_QUICK = [1, 8, 64]

# Section 4: decode attention, Llama-3.1-8B GQA.
ATTN = dict(q_heads=32, kv_heads=8, head_dim=128)
ATTN_CONTEXTS = [1024, 4096, 16384, 65536, 131072]
ATTN_BATCHES = [1, 16, 64]
ATTN_CONTEXTS_QUICK = [128, 512]
ATTN_BATCHES_QUICK = [1, 4]

# Section 5: whole decode step.
DECODE_MODELS = [
    dict(name="Llama-3.1-8B", layers=32, hidden=4096, heads=32, kv_heads=8, head_dim=128,
         inter=14336, vocab=128256, moe=False, qk_norm=False),
    dict(name="Qwen3-30B-A3B", layers=48, hidden=2048, heads=32, kv_heads=4, head_dim=128,
         experts=128, topk=8, inter=768, vocab=151936, moe=True, qk_norm=True),
]
DECODE_MODELS_QUICK = [
    dict(name="Llama-3.1-8B(quick)", layers=2, hidden=256, heads=4, kv_heads=2, head_dim=64,
         inter=512, vocab=1024, moe=False, qk_norm=False),
    dict(name="Qwen3-30B-A3B(quick)", layers=2, hidden=128, heads=4, kv_heads=2, head_dim=32,
         experts=16, topk=4, inter=64, vocab=1024, moe=True, qk_norm=True),
]
DECODE_BATCHES = [1, 8, 64, 256]
DECODE_BATCHES_QUICK = [1, 4]
DECODE_CONTEXT = 1024
DECODE_CONTEXT_QUICK = 64

ALL_SECTIONS = ["hbm", "gemm", "moe", "attention", "decode"]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
def short_error(ex, limit=500):
    text = " | ".join(line.strip() for line in str(ex).strip().splitlines() if line.strip())
    return ("%s: %s" % (type(ex).__name__, text))[:limit]


def is_oom(ex):
    cls = getattr(torch.cuda, "OutOfMemoryError", None)
    if cls is not None and isinstance(ex, cls):
        return True
    s = str(ex).lower()
    return ("out of memory" in s or "outofmemory" in s or "memoryallocation" in s
            or "hip_error_outofmemory" in s)


def rate(numerator, seconds):
    if numerator is None or seconds is None or seconds <= 0:
        return None
    return numerator / seconds


def frac(value, peak):
    if value is None or peak is None or peak <= 0:
        return None
    return value / peak


def sanitize(obj):
    """Make obj JSON-safe: no NaN/inf, tuples to lists, unknown objects to str."""
    if isinstance(obj, dict):
        return dict((str(k), sanitize(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return [sanitize(v) for v in obj]
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, str):
        return obj
    return str(obj)


def run_cmd(argv, timeout=15):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout)
        if p.returncode != 0:
            return None
        return p.stdout
    except Exception:
        return None


def slug(text):
    s = re.sub(r"[^a-z0-9]+", "-", (text or "unknown").lower()).strip("-")
    return s or "unknown"


def randn(shape, std, dtype, device):
    t = torch.empty(shape, dtype=dtype, device=device)
    t.normal_(0.0, std)
    return t


# ---------------------------------------------------------------------------
# Context: device, configuration, results and the timing primitive
# ---------------------------------------------------------------------------
class Ctx(object):
    def __init__(self, args):
        self.args = args
        dev = args.device
        if dev == "auto":
            dev = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = torch.device(dev)
        self.is_cuda = self.device.type == "cuda"
        if self.is_cuda:
            if not torch.cuda.is_available():
                raise SystemExit("--device %s requested but torch.cuda.is_available() is False" % dev)
            if self.device.index is None:
                self.device = torch.device("cuda", torch.cuda.current_device())
            torch.cuda.set_device(self.device)
        self.quick = bool(args.quick)
        if not self.is_cuda and not self.quick:
            log("WARNING: running on the CPU; forcing --quick (CPU numbers are a smoke test only)")
            self.quick = True
        self.dtype = torch.bfloat16
        self.reps = args.reps or (3 if self.quick else 20)
        self.reps_big = args.reps or (3 if self.quick else 10)
        self.target_s = 0.002 if self.is_cuda else 0.0
        self.max_inner = 256
        self.use_graph = self.is_cuda and not args.no_graph
        self.rotate_bytes = 0 if (self.quick or not self.is_cuda) else int(args.rotate_mib) * MiB
        self.deadline = T_START + args.max_minutes * 60.0
        self.peaks = {}
        self.results = None
        self.out_path = None

    # -- memory ---------------------------------------------------------------
    def sync(self):
        if self.is_cuda:
            torch.cuda.synchronize(self.device)

    def cleanup(self):
        gc.collect()
        if self.is_cuda:
            try:
                torch.cuda.synchronize(self.device)
            except Exception:
                pass
            torch.cuda.empty_cache()

    def free_bytes(self):
        if self.is_cuda:
            try:
                return int(torch.cuda.mem_get_info(self.device)[0])
            except Exception:
                props = torch.cuda.get_device_properties(self.device)
                return int(props.total_memory - torch.cuda.memory_reserved(self.device))
        try:
            with open("/proc/meminfo") as f:
                for line in f:
                    if line.startswith("MemAvailable:"):
                        return int(line.split()[1]) * KiB
        except Exception:
            pass
        return 4 * GiB

    def time_left(self):
        return self.deadline - time.time()

    # -- timing ---------------------------------------------------------------
    def time_op(self, fn, cycle=1, graph=True, reps=None, max_inner=None):
        """Time fn(i), i = 0, 1, ..., cycling through `cycle` values of i
        (used to rotate through weight copies so they are not served from L2).

        Returns a dict with seconds_median (per call of fn), seconds_min,
        seconds_max, reps, calls_per_rep, timing and notes."""
        reps = int(reps or self.reps)
        cycle = max(1, int(cycle))
        max_inner = int(max_inner or self.max_inner)
        notes = []
        if not self.is_cuda:
            fn(0)
            times = []
            for r in range(reps):
                t0 = time.perf_counter()
                fn(r % cycle)
                times.append(time.perf_counter() - t0)
            return _stats(times, 1, "cpu_wall_clock_eager", notes)

        cur = torch.cuda.current_stream()
        # Warm-up on a side stream (recommended before CUDA graph capture).
        side = torch.cuda.Stream()
        side.wait_stream(cur)
        with torch.cuda.stream(side):
            for i in range(max(3, cycle)):
                fn(i % cycle)
        cur.wait_stream(side)
        torch.cuda.synchronize()

        ev0 = torch.cuda.Event(enable_timing=True)
        ev1 = torch.cuda.Event(enable_timing=True)
        ev0.record()
        for i in range(cycle):
            fn(i)
        ev1.record()
        ev1.synchronize()
        t_call = max(ev0.elapsed_time(ev1) / 1e3 / cycle, 1e-7)
        passes = max(1, int(math.ceil(self.target_s / (t_call * cycle))))
        inner = cycle * passes
        if inner > max_inner:
            inner = max(cycle, (max_inner // cycle) * cycle)

        if graph and self.use_graph:
            g = None
            try:
                g = torch.cuda.CUDAGraph()
                with torch.cuda.graph(g):
                    for i in range(inner):
                        fn(i % cycle)
                g.replay()
                g.replay()
                torch.cuda.synchronize()
                times = []
                for _ in range(reps):
                    ev0.record()
                    g.replay()
                    ev1.record()
                    ev1.synchronize()
                    times.append(ev0.elapsed_time(ev1) / 1e3 / inner)
                del g
                return _stats(times, inner, "cuda_graph", notes)
            except Exception as ex:
                if is_oom(ex):
                    raise
                notes.append("CUDA graph capture/replay failed (%s); timed eagerly instead"
                             % short_error(ex, 200))
                log("  graph capture failed, falling back to eager: %s" % short_error(ex, 200))
                g = None
                try:
                    torch.cuda.synchronize()
                except Exception:
                    pass
                self.cleanup()
        elif graph and not self.use_graph:
            notes.append("CUDA graphs disabled (--no-graph); eager timing includes launch overhead")

        times = []
        for _ in range(reps):
            ev0.record()
            for i in range(inner):
                fn(i % cycle)
            ev1.record()
            ev1.synchronize()
            times.append(ev0.elapsed_time(ev1) / 1e3 / inner)
        return _stats(times, inner, "cuda_events_eager", notes)

    # -- results --------------------------------------------------------------
    def add(self, rec):
        self.results["measurements"].append(rec)

    def save(self, complete=False):
        self.results["complete"] = bool(complete)
        self.results["elapsed_seconds"] = round(time.time() - T_START, 3)
        text = json.dumps(sanitize(self.results), indent=1, allow_nan=False, sort_keys=False)
        tmp = self.out_path + ".partial"
        with open(tmp, "w") as f:
            f.write(text)
            f.write("\n")
        os.replace(tmp, self.out_path)


def _stats(times, inner, how, notes):
    return dict(seconds_median=statistics.median(times), seconds_min=min(times),
                seconds_max=max(times), reps=len(times), calls_per_rep=inner, timing=how,
                notes=list(notes))


def run_case(ctx, kind, params, body):
    """Run one measurement; body(rec) fills rec. Errors and OOM are recorded, not raised."""
    rec = dict(kind=kind, params=params, status="ok", seconds_median=None, notes=[])
    if ctx.time_left() <= 0:
        rec["status"] = "skipped"
        rec["error"] = "time budget (--max-minutes) exhausted"
        ctx.add(rec)
        return rec
    try:
        body(rec)
    except Exception as ex:
        rec["status"] = "oom" if is_oom(ex) else "error"
        rec["error"] = short_error(ex)
        if rec["status"] == "error":
            log("  ERROR in %s %s: %s" % (kind, params, short_error(ex)))
            rec["traceback_tail"] = traceback.format_exc().strip().splitlines()[-6:]
    finally:
        ctx.cleanup()
    ctx.add(rec)
    sec = rec.get("seconds_median")
    log("  %-18s %-8s %s%s" % (kind, rec["status"], _brief(params),
                               (" %.3f ms" % (sec * 1e3)) if sec else ""))
    return rec


def _brief(params):
    keys = ("model", "layer", "kernel", "dtype", "M", "tokens", "batch", "context", "impl")
    return " ".join("%s=%s" % (k, params[k]) for k in keys if k in params)


def apply_timing(rec, t):
    rec["seconds_median"] = t["seconds_median"]
    rec["seconds_min"] = t["seconds_min"]
    rec["seconds_max"] = t["seconds_max"]
    rec["reps"] = t["reps"]
    rec["calls_per_rep"] = t["calls_per_rep"]
    rec["timing"] = t["timing"]
    rec["notes"].extend(t["notes"])


def rotation_copies(ctx, nbytes, cap=256):
    """How many distinct copies of a nbytes operand to cycle through so that the
    working set exceeds the last-level cache (--rotate-mib)."""
    if ctx.rotate_bytes <= 0 or nbytes <= 0:
        return 1
    n = int(math.ceil(float(ctx.rotate_bytes) / nbytes))
    budget = int(0.25 * ctx.free_bytes() // max(nbytes, 1))
    return max(1, min(n, cap, budget))


# ---------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------
def loaded_libraries(patterns):
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and parts[-1].startswith("/"):
                    base = os.path.basename(parts[-1])
                    if any(p in base for p in patterns):
                        found.add(parts[-1])
    except Exception:
        pass
    return sorted(found)


def cublas_versions(paths):
    out = {"cublas_version": None, "cublaslt_version_int": None}
    try:
        import ctypes
    except Exception:
        return out
    for p in paths:
        base = os.path.basename(p)
        try:
            if base.startswith("libcublas.so") and out["cublas_version"] is None:
                lib = ctypes.CDLL(p)
                vals = []
                for prop in (0, 1, 2):  # MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
                    v = ctypes.c_int(-1)
                    if lib.cublasGetProperty(prop, ctypes.byref(v)) != 0:
                        raise RuntimeError("cublasGetProperty failed")
                    vals.append(v.value)
                out["cublas_version"] = "%d.%d.%d" % tuple(vals)
            elif base.startswith("libcublasLt.so") and out["cublaslt_version_int"] is None:
                lib = ctypes.CDLL(p)
                lib.cublasLtGetVersion.restype = ctypes.c_size_t
                out["cublaslt_version_int"] = int(lib.cublasLtGetVersion())
        except Exception:
            pass
    return out


def collect_environment(ctx):
    env = dict(
        date_utc=datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        python_version=platform.python_version(),
        os=platform.system(),
        os_release=platform.release(),
        machine=platform.machine(),
        torch_version=torch.__version__,
        cuda_version=getattr(torch.version, "cuda", None),
        hip_version=getattr(torch.version, "hip", None),
        device_type=ctx.device.type,
        gpu_name=None,
        driver_version=None,
        driver_version_source=None,
    )
    try:
        env["cudnn_version"] = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    except Exception:
        env["cudnn_version"] = None
    if ctx.is_cuda:
        idx = ctx.device.index
        props = torch.cuda.get_device_properties(idx)
        env.update(
            gpu_name=torch.cuda.get_device_name(idx),
            gpu_count_visible=torch.cuda.device_count(),
            device_index=idx,
            compute_capability="%d.%d" % (props.major, props.minor),
            gcn_arch=getattr(props, "gcnArchName", None),
            total_memory_bytes=int(props.total_memory),
            multiprocessor_count=int(props.multi_processor_count),
            l2_cache_bytes=getattr(props, "L2_cache_size", None),
        )
        # Load the BLAS libraries with a tiny GEMM, then read their versions.
        try:
            a = torch.ones(64, 64, dtype=ctx.dtype, device=ctx.device)
            (a @ a).sum().item()
        except Exception:
            pass
        libs = loaded_libraries(("libcublas", "libcudnn", "libnccl", "librocblas", "libhipblas",
                                 "libMIOpen", "libamdhip64", "libcudart"))
        env["loaded_gpu_libraries"] = [os.path.basename(p) for p in libs]
        env.update(cublas_versions(libs))
        sdp = {}
        for nm in ("flash_sdp_enabled", "mem_efficient_sdp_enabled", "math_sdp_enabled",
                   "cudnn_sdp_enabled"):
            f = getattr(torch.backends.cuda, nm, None)
            if f is not None:
                try:
                    sdp[nm] = bool(f())
                except Exception:
                    pass
        env["sdpa_backends_enabled"] = sdp
    else:
        env["cpu"] = platform.processor() or None
        env["cpu_count"] = os.cpu_count()

    # Driver version: nvidia-smi, else rocm-smi, else null.
    out = run_cmd(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"])
    if out and out.strip():
        env["driver_version"] = out.strip().splitlines()[0].strip()
        env["driver_version_source"] = "nvidia-smi"
        extra = run_cmd(["nvidia-smi",
                         "--query-gpu=name,vbios_version,clocks.max.sm,clocks.max.memory,"
                         "power.limit,memory.total",
                         "--format=csv,noheader"])
        if extra and extra.strip():
            cols = [c.strip() for c in extra.strip().splitlines()[0].split(",")]
            keys = ["name", "vbios_version", "clocks_max_sm", "clocks_max_memory", "power_limit",
                    "memory_total"]
            if len(cols) == len(keys):
                env["nvidia_smi_first_gpu"] = dict(zip(keys, cols))
    else:
        out = run_cmd(["rocm-smi", "--showdriverversion"])
        if out:
            m = re.search(r"[Dd]river version:\s*([^\s|]+)", out)
            if m:
                env["driver_version"] = m.group(1)
                env["driver_version_source"] = "rocm-smi"
    try:
        with open("/opt/rocm/.info/version") as f:
            env["rocm_release"] = f.read().strip()
    except Exception:
        pass
    return env


def resolve_peaks(ctx, gpu_name):
    args = ctx.args
    name = (gpu_name or "").lower()
    row = None
    if ctx.is_cuda:
        for subs, label, bf16, fp8, hbm in PEAK_TABLE:
            if all(s in name for s in subs):
                row = (label, bf16, fp8, hbm)
                break
    peaks = {}
    for key, arg, idx in (("bf16_tflops", args.peak_bf16_tflops, 1),
                          ("fp8_tflops", args.peak_fp8_tflops, 2),
                          ("hbm_gbps", args.peak_hbm_gbps, 3)):
        if arg is not None:
            peaks[key] = float(arg)
            peaks[key + "_source"] = "command-line argument"
        elif row is not None and row[idx] is not None:
            peaks[key] = float(row[idx])
            peaks[key + "_source"] = "built-in datasheet table (dense): %s" % row[0]
        else:
            peaks[key] = None
            peaks[key + "_source"] = "unknown (device not in table; pass --peak-* to set)"
    return peaks


def peak_flops(ctx, dtype_name):
    v = ctx.peaks.get("fp8_tflops" if dtype_name.startswith("fp8") else "bf16_tflops")
    return None if v is None else v * 1e12


def peak_bw(ctx):
    v = ctx.peaks.get("hbm_gbps")
    return None if v is None else v * 1e9


# ---------------------------------------------------------------------------
# Section 1: HBM bandwidth
# ---------------------------------------------------------------------------
def section_hbm(ctx):
    want = 16 * MiB if ctx.quick else 4 * GiB
    nbytes = want
    notes = []
    free = ctx.free_bytes()
    if 2 * want > 0.8 * free:  # source + destination for the copy
        nbytes = max(MiB, int(0.4 * free) // MiB * MiB)
        notes.append("tensor reduced from %d to %d bytes to fit free memory" % (want, nbytes))
    nbytes = nbytes // 8 * 8
    state = {}

    def alloc():
        if "x" not in state:
            x = torch.empty(nbytes // 2, dtype=torch.bfloat16, device=ctx.device)
            x.fill_(1.0)
            state["x"] = x

    kernels = [
        ("sum_bf16", lambda x: (lambda i: x.sum())),
        ("amax_bf16", lambda x: (lambda i: x.amax())),
        ("sum_viewed_as_fp32", lambda x: (lambda i, y=x.view(torch.float32): y.sum())),
        ("max_viewed_as_int32", lambda x: (lambda i, y=x.view(torch.int32): y.max())),
    ]
    best = None
    for name, make in kernels:
        params = dict(kernel=name, bytes=nbytes, dtype="bf16")

        def body(rec, make=make):
            alloc()
            fn = make(state["x"])
            fn(0)
            ctx.sync()
            t = ctx.time_op(fn, graph=False, reps=ctx.reps_big)
            apply_timing(rec, t)
            rec["bytes_moved"] = nbytes
            rec["bytes_per_s"] = rate(nbytes, rec["seconds_median"])
            rec["fraction_of_peak_hbm"] = frac(rec["bytes_per_s"], peak_bw(ctx))
            rec["notes"].extend(notes)
            rec["notes"].append("full reduction of the tensor; bytes counted = tensor size (read only)")

        rec = run_case(ctx, "hbm_read", params, body)
        if rec["status"] == "ok" and (best is None or rec["bytes_per_s"] > best["bytes_per_s"]):
            best = rec
    if best is not None:
        best["best_read_kernel"] = True
        ctx.results["summary"]["hbm_read_bytes_per_s"] = best["bytes_per_s"]
        ctx.results["summary"]["hbm_read_kernel"] = best["params"]["kernel"]
        ctx.results["summary"]["hbm_read_fraction_of_peak"] = best.get("fraction_of_peak_hbm")

    def copy_body(rec):
        alloc()
        src = state["x"]
        dst = torch.empty_like(src)
        fn = lambda i: dst.copy_(src)
        fn(0)
        ctx.sync()
        t = ctx.time_op(fn, graph=False, reps=ctx.reps_big)
        apply_timing(rec, t)
        rec["bytes_moved"] = 2 * nbytes
        rec["bytes_per_s"] = rate(2 * nbytes, rec["seconds_median"])
        rec["fraction_of_peak_hbm"] = frac(rec["bytes_per_s"], peak_bw(ctx))
        rec["notes"].extend(notes)
        rec["notes"].append("dst.copy_(src); bytes counted = read + write = 2 x tensor size")

    rec = run_case(ctx, "hbm_copy", dict(kernel="copy_", bytes=nbytes, dtype="bf16"), copy_body)
    if rec["status"] == "ok":
        ctx.results["summary"]["hbm_copy_bytes_per_s"] = rec["bytes_per_s"]
        ctx.results["summary"]["hbm_copy_fraction_of_peak"] = rec.get("fraction_of_peak_hbm")
    state.clear()


# ---------------------------------------------------------------------------
# Section 2: GEMMs
# ---------------------------------------------------------------------------
def scaled_mm(a, b, sa, sb):
    r = torch._scaled_mm(a, b, scale_a=sa, scale_b=sb, out_dtype=torch.bfloat16)
    if isinstance(r, tuple):  # torch 2.1-2.3 returned (out, amax)
        r = r[0]
    return r


def probe_fp8(ctx, arch):
    """Find an fp8 dtype that torch._scaled_mm accepts here. Returns (dtype_name, errors)."""
    errors = {}
    if not hasattr(torch, "_scaled_mm"):
        return None, {"torch._scaled_mm": "not available in torch %s" % torch.__version__}
    hip = bool(getattr(torch.version, "hip", None))
    names = ["float8_e4m3fn", "float8_e4m3fnuz"]
    if hip and "gfx94" in (arch or ""):
        names.reverse()  # MI300-class GPUs use the fnuz variant
    sa = torch.ones((), dtype=torch.float32, device=ctx.device)
    for nm in names:
        dt = getattr(torch, nm, None)
        if dt is None:
            errors[nm] = "dtype not defined in this torch"
            continue
        try:
            a = torch.randn(16, 64, device=ctx.device).to(dt)
            b = torch.randn(32, 64, device=ctx.device).to(dt)
            scaled_mm(a, b.t(), sa, sa)
            ctx.sync()
            return nm, errors
        except Exception as ex:
            errors[nm] = short_error(ex, 300)
    return None, errors


def section_gemm(ctx):
    ms = GEMM_M_QUICK if ctx.quick else GEMM_M
    div = 16 if ctx.quick else 1
    fp8_name, fp8_errors = probe_fp8(ctx, ctx.results["environment"].get("gcn_arch"))
    ctx.results["summary"]["fp8_dtype"] = fp8_name
    if fp8_errors:
        ctx.results["summary"]["fp8_probe_errors"] = fp8_errors
    log("fp8 dtype for torch._scaled_mm: %s %s" % (fp8_name, fp8_errors or ""))
    fp8_dt = getattr(torch, fp8_name) if fp8_name else None

    for model, layer, K0, N0 in GEMM_SHAPES:
        K, N = K0 // div, N0 // div
        if ctx.time_left() <= 0:
            break
        state = {}
        for dtype_name in ("bf16", "fp8"):
            esize = 2 if dtype_name == "bf16" else 1
            wbytes = N * K * esize
            if dtype_name == "fp8" and fp8_dt is None:
                ctx.add(dict(kind="gemm", params=dict(model=model, layer=layer, K=K, N=N, dtype="fp8"),
                             status="unsupported", seconds_median=None,
                             error="fp8 GEMM unavailable: %s" % json.dumps(fp8_errors, sort_keys=True),
                             notes=["no fp8 dtype accepted by torch._scaled_mm on this device/torch"]))
                continue
            ncop = rotation_copies(ctx, wbytes)
            for M in ms:
                params = dict(model=model, layer=layer, M=M, K=K, N=N, dtype=dtype_name)

                def body(rec, M=M, dtype_name=dtype_name, wbytes=wbytes, ncop=ncop):
                    key = "w_" + dtype_name
                    if key not in state:
                        if dtype_name == "bf16":
                            state[key] = randn((ncop, N, K), 1.0 / math.sqrt(K), ctx.dtype, ctx.device)
                        else:
                            w8 = torch.empty((ncop, N, K), dtype=fp8_dt, device=ctx.device)
                            for j in range(ncop):
                                w8[j].copy_(randn((N, K), 1.0 / math.sqrt(K), ctx.dtype, ctx.device))
                            state[key] = w8
                    if "x" not in state:
                        state["x"] = randn((max(ms) + 16, K), 1.0, ctx.dtype, ctx.device)
                        state["x8"] = state["x"].to(fp8_dt) if fp8_dt is not None else None
                        state["s"] = torch.ones((), dtype=torch.float32, device=ctx.device)
                    w = state[key]
                    m_run = M
                    if dtype_name == "bf16":
                        x = state["x"][:M]
                        fn = lambda i: F.linear(x, w[i])
                        fn(0)
                    else:
                        s = state["s"]
                        x = state["x8"][:M]
                        fn = lambda i: scaled_mm(x, w[i].t(), s, s)
                        try:
                            fn(0)
                            ctx.sync()
                        except Exception as ex:
                            if is_oom(ex) or M % 16 == 0:
                                raise
                            m_run = (M + 15) // 16 * 16
                            rec["notes"].append("torch._scaled_mm rejected M=%d (%s); timed with M "
                                                "padded to %d" % (M, short_error(ex, 200), m_run))
                            x = state["x8"][:m_run]
                            fn = lambda i: scaled_mm(x, w[i].t(), s, s)
                            fn(0)
                    ctx.sync()
                    t = ctx.time_op(fn, cycle=ncop, graph=True)
                    apply_timing(rec, t)
                    sec = rec["seconds_median"]
                    flops = 2.0 * M * N * K
                    rec["m_timed"] = m_run
                    rec["weight_copies_rotated"] = ncop
                    rec["flops"] = flops
                    rec["weight_bytes"] = wbytes
                    rec["tflops"] = None if not sec else flops / sec / 1e12
                    rec["weight_bytes_per_s"] = rate(wbytes, sec)
                    rec["fraction_of_peak_flops"] = frac(rate(flops, sec), peak_flops(ctx, dtype_name))
                    rec["fraction_of_peak_hbm"] = frac(rec["weight_bytes_per_s"], peak_bw(ctx))
                    if dtype_name == "bf16":
                        rec["notes"].append("F.linear(x[M,K], W[N,K]) (cuBLAS/hipBLASLt via PyTorch)")
                    else:
                        rec["notes"].append(
                            "torch._scaled_mm %s, per-tensor scales, out bf16, use_fast_accum=False; "
                            "activation quantization not timed; vLLM may use CUTLASS kernels instead"
                            % fp8_name)
                    rec["notes"].append("flops use the requested M; weight bytes = N*K*element size")

                run_case(ctx, "gemm", params, body)
            state.pop("w_" + dtype_name, None)
            ctx.cleanup()
        state.clear()
        ctx.cleanup()


# ---------------------------------------------------------------------------
# Section 3: MoE expert GEMMs
# ---------------------------------------------------------------------------
def random_topk(gen, T, E, k):
    scores = torch.rand(T, E, generator=gen)
    return scores.topk(k, dim=1).indices


def group_by_expert(topi, local_experts):
    groups = {}
    for t, row in enumerate(topi.tolist()):
        for e in row:
            if e < local_experts:
                groups.setdefault(e, []).append(t)
    return [(e, groups[e]) for e in sorted(groups)]


def section_moe(ctx, gen):
    cases = MOE_CASES_QUICK if ctx.quick else MOE_CASES
    tokens = MOE_TOKENS_QUICK if ctx.quick else MOE_TOKENS
    for case in cases:
        H, I, E, EL, k = case["hidden"], case["inter"], case["experts"], case["local_experts"], case["topk"]
        for T in tokens:
            params = dict(model=case["model"], experts_total=E, experts_on_gpu=EL, hidden=H,
                          expert_inter=I, topk=k, tokens=T, parallel=case["parallel"], dtype="bf16")

            def body(rec, T=T):
                groups = group_by_expert(random_topk(gen, T, E, k), EL)
                tries = 1
                while not groups and tries < 100:
                    groups = group_by_expert(random_topk(gen, T, E, k), EL)
                    tries += 1
                if not groups:
                    raise RuntimeError("no local expert touched after 100 routing samples")
                if tries > 1:
                    rec["notes"].append("routing resampled %d times: conditioned on at least one "
                                        "expert on this GPU being touched" % tries)
                n = len(groups)
                counts = [len(toks) for _, toks in groups]
                C = max(counts)
                assignments = sum(counts)
                esize = 2
                expert_bytes = 3 * H * I * esize
                touched_bytes = n * expert_bytes
                # Rotate through windows of n distinct experts so repeated runs do not hit in L2.
                pool = n
                if ctx.rotate_bytes > 0:
                    want = max(n, int(math.ceil(float(ctx.rotate_bytes) / expert_bytes)))
                    cap = max(n, int(0.3 * ctx.free_bytes()) // expert_bytes)
                    pool = min(want, cap)
                windows = max(1, pool // n)
                pool = windows * n
                w13 = randn((pool, 2 * I, H), 1.0 / math.sqrt(H), ctx.dtype, ctx.device)
                w2 = randn((pool, H, I), 1.0 / math.sqrt(I), ctx.dtype, ctx.device)
                xs = [randn((c, H), 1.0, ctx.dtype, ctx.device) for c in counts]
                xpad = torch.zeros((n, C, H), dtype=ctx.dtype, device=ctx.device)
                for j, c in enumerate(counts):
                    xpad[j, :c].copy_(xs[j])

                def loop_fn(i):
                    base = (i % windows) * n
                    for j in range(n):
                        h = F.linear(xs[j], w13[base + j])
                        a = F.silu(h[:, :I]) * h[:, I:]
                        F.linear(a, w2[base + j])

                def bmm_fn(i):
                    base = (i % windows) * n
                    h = torch.bmm(xpad, w13[base:base + n].transpose(1, 2))
                    a = F.silu(h[..., :I]) * h[..., I:]
                    torch.bmm(a, w2[base:base + n].transpose(1, 2))

                flops = 2.0 * assignments * 3 * H * I
                variants = {}
                for vname, fn in (("loop", loop_fn), ("bmm", bmm_fn)):
                    v = dict(status="ok")
                    try:
                        fn(0)
                        ctx.sync()
                        t = ctx.time_op(fn, cycle=windows, graph=True)
                        v.update(t)
                        sec = t["seconds_median"]
                        v["bytes_per_s"] = rate(touched_bytes, sec)
                        v["fraction_of_peak_hbm"] = frac(v["bytes_per_s"], peak_bw(ctx))
                        v["tflops"] = None if not sec else flops / sec / 1e12
                        v["fraction_of_peak_flops"] = frac(rate(flops, sec), peak_flops(ctx, "bf16"))
                    except Exception as ex:
                        if is_oom(ex):
                            v["status"] = "oom"
                        else:
                            v["status"] = "error"
                        v["error"] = short_error(ex)
                        ctx.cleanup()
                    variants[vname] = v
                rec["variants"] = variants
                ok = [(variants[nm]["seconds_median"], nm) for nm in variants
                      if variants[nm]["status"] == "ok"]
                if not ok:
                    raise RuntimeError("both variants failed: %s" % json.dumps(
                        dict((nm, variants[nm].get("error")) for nm in variants)))
                sec, faster = min(ok)
                best = variants[faster]
                rec["faster"] = faster
                rec["seconds_median"] = sec
                rec["timing"] = best["timing"]
                rec["experts_touched"] = n
                rec["tokens_per_expert_max"] = C
                rec["tokens_per_expert_mean"] = float(assignments) / n
                rec["assignments"] = assignments
                rec["touched_expert_weight_bytes"] = touched_bytes
                rec["bytes_per_s"] = best["bytes_per_s"]
                rec["fraction_of_peak_hbm"] = best["fraction_of_peak_hbm"]
                rec["tflops"] = best["tflops"]
                rec["fraction_of_peak_flops"] = best["fraction_of_peak_flops"]
                rec["flops"] = flops
                rec["flops_padded_bmm"] = 2.0 * n * C * 3 * H * I
                rec["expert_windows_rotated"] = windows
                rec["notes"].append(
                    "expert MLP = x@W13^T (gate+up) -> SiLU(gate)*up -> @W2^T, bf16; uniform random "
                    "top-k routing; token gather/scatter and router not timed; 'loop' = one GEMM pair "
                    "per touched expert, 'bmm' = torch.bmm over touched experts padded to the max "
                    "tokens per expert; seconds_median/bytes_per_s are the faster variant's; "
                    "vLLM uses a fused MoE kernel instead")
                if "DeepSeek" in case["model"]:
                    rec["notes"].append("DeepSeek-V3 shared expert and grouped (node-limited) routing "
                                        "not modelled")

            run_case(ctx, "moe_grouped_gemm", params, body)


# ---------------------------------------------------------------------------
# Section 4: decode attention
# ---------------------------------------------------------------------------
HAVE_SDPA = hasattr(F, "scaled_dot_product_attention")


def attn_matmul(q, k, v):
    """q [B, G, g, D], k/v [B, G, L, D] -> [B, G, g, D]. Plain matmul-softmax-matmul."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    s = torch.matmul(q, k.transpose(-1, -2)) * scale
    p = torch.softmax(s.float(), dim=-1).to(q.dtype)
    return torch.matmul(p, v)


def attn_sdpa(q, k, v):
    return F.scaled_dot_product_attention(q, k, v)


def attention(q, k, v):
    return attn_sdpa(q, k, v) if HAVE_SDPA else attn_matmul(q, k, v)


def section_attention(ctx):
    contexts = ATTN_CONTEXTS_QUICK if ctx.quick else ATTN_CONTEXTS
    batches = ATTN_BATCHES_QUICK if ctx.quick else ATTN_BATCHES
    Hq, G, D = ATTN["q_heads"], ATTN["kv_heads"], ATTN["head_dim"]
    g = Hq // G
    impls = [("matmul_softmax", attn_matmul)]
    if HAVE_SDPA:
        impls.insert(0, ("sdpa", attn_sdpa))
    else:
        ctx.results["summary"]["attention_note"] = ("F.scaled_dot_product_attention missing in torch %s; "
                                                    "only matmul_softmax measured" % torch.__version__)
    for L in contexts:
        for B in batches:
            kv_bytes = 2 * B * G * L * D * 2
            free = ctx.free_bytes()
            base = dict(batch=B, context=L, q_heads=Hq, kv_heads=G, head_dim=D, dtype="bf16")
            if kv_bytes > 0.4 * free:
                for name, _ in impls:
                    p = dict(base, impl=name)
                    ctx.add(dict(kind="attention_decode", params=p, status="skipped", seconds_median=None,
                                 error="KV (%d bytes) exceeds 40%% of free memory (%d bytes)" % (kv_bytes, free),
                                 notes=[]))
                    log("  attention_decode   skipped B=%d L=%d (KV too large)" % (B, L))
                continue
            state = {}
            for name, impl in impls:
                params = dict(base, impl=name)

                def body(rec, impl=impl, name=name):
                    if "k" not in state:
                        ncop = max(1, min(rotation_copies(ctx, kv_bytes), int(0.4 * free // kv_bytes)))
                        state["ncop"] = ncop
                        state["k"] = randn((ncop, B, G, L, D), 1.0, ctx.dtype, ctx.device)
                        state["v"] = randn((ncop, B, G, L, D), 1.0, ctx.dtype, ctx.device)
                        state["q"] = randn((B, G, g, D), 1.0, ctx.dtype, ctx.device)
                    kk, vv, q, ncop = state["k"], state["v"], state["q"], state["ncop"]
                    fn = lambda i: impl(q, kk[i], vv[i])
                    fn(0)
                    ctx.sync()
                    t = ctx.time_op(fn, cycle=ncop, graph=True)
                    apply_timing(rec, t)
                    rec["kv_bytes"] = kv_bytes
                    rec["kv_copies_rotated"] = ncop
                    rec["bytes_per_s"] = rate(kv_bytes, rec["seconds_median"])
                    rec["fraction_of_peak_hbm"] = frac(rec["bytes_per_s"], peak_bw(ctx))
                    rec["notes"].append(
                        "q length 1; GQA expressed by viewing the %d query heads as [kv_heads=%d, %d] so "
                        "each KV head is read once (no repeat_interleave); contiguous KV [B, kv_heads, L, "
                        "head_dim]; no mask needed for a single decode position. vLLM uses paged "
                        "FlashAttention/FlashInfer (split-KV) kernels whose efficiency differs" % (Hq, G, g))
                    if name == "sdpa":
                        rec["notes"].append("torch SDPA picks its own backend (see environment.sdpa_backends_enabled)")

                run_case(ctx, "attention_decode", params, body)
            state.clear()
            ctx.cleanup()


# ---------------------------------------------------------------------------
# Section 5: whole decode step
# ---------------------------------------------------------------------------
def rmsnorm(x, w, eps=1e-6):
    xf = x.float()
    xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    return xf.to(x.dtype) * w


class DecodeModel(object):
    def __init__(self, cfg, n_layers, device, dtype):
        self.cfg = cfg
        self.device = device
        self.dtype = dtype
        H, nh, nkv, D, V = cfg["hidden"], cfg["heads"], cfg["kv_heads"], cfg["head_dim"], cfg["vocab"]
        I = cfg["inter"]
        ones = lambda *s: torch.ones(s, dtype=dtype, device=device)
        self.emb = randn((V, H), 1.0, dtype, device)
        self.lm_head = randn((V, H), 1.0 / math.sqrt(H), dtype, device)
        self.final_norm = ones(H)
        self.layers = []
        for _ in range(n_layers):
            lw = dict(ln1=ones(H), ln2=ones(H),
                      wqkv=randn(((nh + 2 * nkv) * D, H), 1.0 / math.sqrt(H), dtype, device),
                      wo=randn((H, nh * D), 1.0 / math.sqrt(nh * D), dtype, device))
            if cfg["qk_norm"]:
                lw["qn"] = ones(D)
                lw["kn"] = ones(D)
            if cfg["moe"]:
                E = cfg["experts"]
                lw["router"] = randn((E, H), 1.0 / math.sqrt(H), dtype, device)
                lw["w13"] = randn((E, 2 * I, H), 1.0 / math.sqrt(H), dtype, device)
                lw["w2"] = randn((E, H, I), 1.0 / math.sqrt(I), dtype, device)
            else:
                lw["wgu"] = randn((2 * I, H), 1.0 / math.sqrt(H), dtype, device)
                lw["wd"] = randn((H, I), 1.0 / math.sqrt(I), dtype, device)
            self.layers.append(lw)
        self.n_layers_active = n_layers

    @staticmethod
    def weight_bytes(cfg, n_layers, esize=2):
        H, nh, nkv, D, V, I = (cfg["hidden"], cfg["heads"], cfg["kv_heads"], cfg["head_dim"],
                               cfg["vocab"], cfg["inter"])
        attn = (nh + 2 * nkv) * D * H + H * nh * D
        if cfg["moe"]:
            mlp = cfg["experts"] * (3 * H * I + H)
        else:
            mlp = 3 * H * I
        return (2 * V * H + n_layers * (attn + mlp)) * esize

    def prepare(self, B, ctx_len, gen):
        cfg = self.cfg
        H, nkv, D = cfg["hidden"], cfg["kv_heads"], cfg["head_dim"]
        self.B, self.ctx_len = B, ctx_len
        self.kv = [(randn((B, nkv, ctx_len, D), 1.0, self.dtype, self.device),
                    randn((B, nkv, ctx_len, D), 1.0, self.dtype, self.device))
                   for _ in self.layers]
        self.tokens = torch.randint(0, cfg["vocab"], (B,), generator=gen).to(self.device)
        self.out_tok = torch.zeros((B,), dtype=torch.long, device=self.device)
        self.zero_row = torch.zeros((1, H), dtype=self.dtype, device=self.device)
        self.zero1 = torch.zeros((1,), dtype=torch.float32, device=self.device)
        self.routes = []
        self.touched = []
        if cfg["moe"]:
            E, k = cfg["experts"], cfg["topk"]
            for _ in self.layers:
                groups = group_by_expert(random_topk(gen, B, E, k), E)
                n = len(groups)
                C = max(len(t) for _, t in groups)
                gather, flat, scatter = [], [], []
                for e, toks in groups:
                    pad = C - len(toks)
                    gather += toks + [B] * pad                 # row B = zero row
                    flat += [t * E + e for t in toks] + [B * E] * pad   # slot B*E = zero prob
                    scatter += toks + [B] * pad                # row B = dump row
                mk = lambda v: torch.tensor(v, dtype=torch.long).to(self.device)
                self.routes.append(dict(n=n, C=C, gather=mk(gather), flat=mk(flat), scatter=mk(scatter)))
                self.touched.append(n)

    def release_batch(self):
        self.kv = None
        self.routes = []
        self.tokens = self.out_tok = None

    def moe(self, x, lw, r):
        cfg = self.cfg
        B, H, I, k = self.B, cfg["hidden"], cfg["inter"], cfg["topk"]
        n, C = r["n"], r["C"]
        probs = torch.softmax(F.linear(x, lw["router"]).float(), dim=-1)
        torch.topk(probs, k, dim=-1)  # timed for fidelity; dispatch uses the pre-sampled routing
        pf = torch.cat([probs.reshape(-1), self.zero1])
        w = pf[r["flat"]].to(x.dtype).view(n, C, 1)
        xe = torch.cat([x, self.zero_row])[r["gather"]].view(n, C, H)
        h = torch.bmm(xe, lw["w13"][:n].transpose(1, 2))
        a = F.silu(h[..., :I]) * h[..., I:]
        y = torch.bmm(a, lw["w2"][:n].transpose(1, 2)) * w
        out = torch.zeros((B + 1, H), dtype=x.dtype, device=x.device)
        out.index_add_(0, r["scatter"], y.reshape(n * C, H))
        return out[:B]

    def step(self, i=0):
        cfg = self.cfg
        B, L = self.B, self.ctx_len
        nh, nkv, D, I = cfg["heads"], cfg["kv_heads"], cfg["head_dim"], cfg["inter"]
        g = nh // nkv
        h = self.emb[self.tokens]
        for li in range(self.n_layers_active):
            lw = self.layers[li]
            x = rmsnorm(h, lw["ln1"])
            qkv = F.linear(x, lw["wqkv"])
            q = qkv[:, :nh * D]
            k = qkv[:, nh * D:(nh + nkv) * D]
            v = qkv[:, (nh + nkv) * D:]
            if cfg["qk_norm"]:
                q = rmsnorm(q.reshape(B, nh, D), lw["qn"])
                k = rmsnorm(k.reshape(B, nkv, D), lw["kn"])
            # RoPE is skipped.
            kc, vc = self.kv[li]
            kc[:, :, L - 1, :].copy_(k.reshape(B, nkv, D))
            vc[:, :, L - 1, :].copy_(v.reshape(B, nkv, D))
            o = attention(q.reshape(B, nkv, g, D), kc, vc)
            h = h + F.linear(o.reshape(B, nh * D), lw["wo"])
            x = rmsnorm(h, lw["ln2"])
            if cfg["moe"]:
                h = h + self.moe(x, lw, self.routes[li])
            else:
                gu = F.linear(x, lw["wgu"])
                h = h + F.linear(F.silu(gu[:, :I]) * gu[:, I:], lw["wd"])
        x = rmsnorm(h, self.final_norm)
        logits = F.linear(x, self.lm_head)
        self.out_tok.copy_(logits.argmax(dim=-1))

    def bytes_read_estimate(self, n_layers):
        """Weights actually read by one step (touched experts only) + KV read."""
        cfg = self.cfg
        H, nh, nkv, D, V, I = (cfg["hidden"], cfg["heads"], cfg["kv_heads"], cfg["head_dim"],
                               cfg["vocab"], cfg["inter"])
        attn = ((nh + 2 * nkv) * D * H + H * nh * D) * 2
        total = V * H * 2 + self.B * H * 2  # LM head + embedding rows
        for li in range(n_layers):
            if cfg["moe"]:
                mlp = (self.touched[li] * 3 * H * I + cfg["experts"] * H) * 2
            else:
                mlp = 3 * H * I * 2
            total += attn + mlp + 2 * self.B * nkv * self.ctx_len * D * 2
        return total


def section_decode(ctx, gen):
    models = DECODE_MODELS_QUICK if ctx.quick else DECODE_MODELS
    batches = DECODE_BATCHES_QUICK if ctx.quick else DECODE_BATCHES
    ctx_len = DECODE_CONTEXT_QUICK if ctx.quick else DECODE_CONTEXT
    scale = ctx.args.layers_scale
    for cfg in models:
        if ctx.time_left() <= 0:
            break
        L_full = cfg["layers"]
        L_used = max(1, min(L_full, int(round(L_full * scale))))
        fit_note = None
        budget = 0.6 * ctx.free_bytes()
        if DecodeModel.weight_bytes(cfg, L_used) > budget:
            head = DecodeModel.weight_bytes(cfg, 0)
            per = (DecodeModel.weight_bytes(cfg, 1) - head)
            fit = int((budget - head) // per)
            if fit >= 1:
                fit_note = ("layers reduced from %d to %d so weights fit in 60%% of free memory"
                            % (L_used, fit))
                L_used = fit
        model = {}

        def build(rec):
            log("building %s with %d of %d layers (random bf16 weights)" % (cfg["name"], L_used, L_full))
            model["m"] = DecodeModel(cfg, L_used, ctx.device, ctx.dtype)
            ctx.sync()
            rec["seconds_median"] = None
            rec["weight_bytes"] = DecodeModel.weight_bytes(cfg, L_used)
            rec["notes"].append("allocation of random bf16 weights for the decode_step records; "
                                "not a timing (seconds_median is null)")
            if fit_note:
                rec["notes"].append(fit_note)

        brec = run_case(ctx, "decode_model_build", dict(model=cfg["name"], layers_used=L_used,
                                                        layers_model=L_full), build)
        if brec["status"] != "ok":
            model.clear()
            ctx.cleanup()
            continue
        m = model["m"]
        for B in batches:
            params = dict(model=cfg["name"], batch=B, context=ctx_len, layers_used=L_used,
                          layers_model=L_full, hidden=cfg["hidden"], heads=cfg["heads"],
                          kv_heads=cfg["kv_heads"], head_dim=cfg["head_dim"], inter=cfg["inter"],
                          vocab=cfg["vocab"], dtype="bf16")
            if cfg["moe"]:
                params.update(experts=cfg["experts"], topk=cfg["topk"])

            def body(rec, B=B):
                kv_total = L_used * 2 * B * cfg["kv_heads"] * ctx_len * cfg["head_dim"] * 2
                free = ctx.free_bytes()
                if kv_total > 0.85 * free:
                    rec["status"] = "skipped"
                    rec["error"] = "KV cache %d bytes > 85%% of free memory %d bytes" % (kv_total, free)
                    return
                try:
                    m.prepare(B, ctx_len, gen)
                    m.n_layers_active = L_used
                    m.step()
                    ctx.sync()
                    t = ctx.time_op(m.step, graph=True, reps=ctx.reps_big, max_inner=1)
                    apply_timing(rec, t)
                    sec = rec["seconds_median"]
                    rec["tokens_per_s"] = rate(B, sec)
                    rec["kv_cache_bytes"] = kv_total
                    est = m.bytes_read_estimate(L_used)
                    rec["bytes_read_estimate"] = est
                    rec["bytes_per_s_estimate"] = rate(est, sec)
                    rec["fraction_of_peak_hbm"] = frac(rec["bytes_per_s_estimate"], peak_bw(ctx))
                    if cfg["moe"]:
                        rec["experts_touched_per_layer_mean"] = float(sum(m.touched)) / len(m.touched)
                    if L_used < L_full:
                        # Measure the layer-free part (embedding, final norm, LM head, argmax)
                        # to extrapolate to the full depth.
                        m.n_layers_active = 0
                        t0 = ctx.time_op(m.step, graph=True, reps=ctx.reps_big, max_inner=1)
                        base = t0["seconds_median"]
                        per_layer = (sec - base) / L_used
                        full = base + per_layer * L_full
                        rec["seconds_no_layers"] = base
                        rec["seconds_per_layer"] = per_layer
                        rec["seconds_full_depth_estimate"] = full
                        rec["tokens_per_s_full_depth_estimate"] = rate(B, full)
                        rec["notes"].append("model truncated to %d of %d layers; full-depth figures are "
                                            "extrapolated as t(0 layers) + %d * per-layer time"
                                            % (L_used, L_full, L_full))
                finally:
                    m.n_layers_active = L_used
                    m.release_batch()
                if fit_note:
                    rec["notes"].append(fit_note)
                rec["notes"].append(
                    "one greedy decode step, random bf16 weights, KV cache of %d tokens per sequence "
                    "(contiguous [B, kv_heads, L, head_dim]; new K/V written into the last slot); RoPE "
                    "skipped; RMSNorm, SiLU*mul and residual adds are unfused PyTorch ops (vLLM fuses "
                    "them); attention = %s; whole step captured as one CUDA graph on GPU"
                    % (ctx_len, "torch SDPA" if HAVE_SDPA else "matmul-softmax-matmul"))
                if cfg["moe"]:
                    rec["notes"].append(
                        "MoE: router linear + softmax + top-k are computed, but tokens are dispatched "
                        "with a pre-sampled uniform random top-%d routing (fixed per capture, "
                        "graph-capturable); experts = torch.bmm over the touched experts padded to the "
                        "max tokens per expert, combine via index_add_; Qwen3 q/k RMSNorm included"
                        % cfg["topk"])
                else:
                    rec["notes"].append("dense SwiGLU MLP with fused gate_up projection")

            run_case(ctx, "decode_step", params, body)
        model.clear()
        del m
        ctx.cleanup()


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(description="LLM Fleet GPU kernel-efficiency calibration benchmark")
    p.add_argument("--out", help="output JSON path (default calibration-<gpu>-<date>.json)")
    p.add_argument("--device", default="auto", help="auto (default), cuda, cuda:N or cpu")
    p.add_argument("--quick", action="store_true",
                   help="tiny shapes and few repetitions (smoke test; forced on CPU)")
    p.add_argument("--layers-scale", type=float, default=1.0,
                   help="fraction of model layers to build in the decode-step section (default 1.0)")
    p.add_argument("--peak-bf16-tflops", type=float, default=None, help="dense bf16 peak, TFLOP/s")
    p.add_argument("--peak-fp8-tflops", type=float, default=None, help="dense fp8 peak, TFLOP/s")
    p.add_argument("--peak-hbm-gbps", type=float, default=None, help="HBM peak, GB/s (1e9 bytes/s)")
    p.add_argument("--sections", default=",".join(ALL_SECTIONS),
                   help="comma-separated subset of: %s" % ",".join(ALL_SECTIONS))
    p.add_argument("--reps", type=int, default=None, help="timed repetitions per measurement")
    p.add_argument("--rotate-mib", type=int, default=1024,
                   help="cycle operands through at least this many MiB so they are not served from "
                        "L2/Infinity Cache (default 1024)")
    p.add_argument("--no-graph", action="store_true", help="do not use CUDA graphs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-minutes", type=float, default=30.0,
                   help="soft time limit; remaining measurements are recorded as skipped")
    args = p.parse_args(argv)
    if not (0.0 < args.layers_scale <= 1.0):
        p.error("--layers-scale must be in (0, 1]")
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    bad = [s for s in sections if s not in ALL_SECTIONS]
    if bad:
        p.error("unknown section(s): %s" % ",".join(bad))
    args.section_list = sections
    return args


GENERAL_NOTES = [
    "Times are per call: median over repetitions after warm-up; GPU times use CUDA/HIP events and, "
    "for small operations, a CUDA graph that repeats the operation calls_per_rep times.",
    "Weights, KV caches and expert sets are cycled through several copies (rotate_mib) so repeated "
    "calls read HBM, not L2/Infinity Cache, as a real model with distinct per-layer weights would.",
    "Peak figures are dense (no sparsity) datasheet values or command-line overrides; fractions are "
    "null when a peak is unknown. Fractions of FLOP/s and of HBM bandwidth are reported separately.",
    "Rates: tflops = 1e12 FLOP/s; *_bytes_per_s in bytes/s; hbm_gbps peak in 1e9 bytes/s.",
    "Random weights and random routing; results measure kernel speed, not model quality.",
]


def main(argv=None):
    args = parse_args(argv)
    ctx = Ctx(args)
    torch.manual_seed(args.seed)
    gen = torch.Generator()
    gen.manual_seed(args.seed)
    log("device %s (quick=%s, graphs=%s)" % (ctx.device, ctx.quick, ctx.use_graph))
    env = collect_environment(ctx)
    ctx.peaks = resolve_peaks(ctx, env.get("gpu_name"))
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    gpu_label = env.get("gpu_name") if ctx.is_cuda else "cpu"
    ctx.out_path = args.out or "calibration-%s-%s.json" % (slug(gpu_label), date)
    ctx.results = dict(
        schema=SCHEMA,
        script_version=SCRIPT_VERSION,
        complete=False,
        environment=env,
        config=dict(device=str(ctx.device), quick=ctx.quick, layers_scale=args.layers_scale,
                    sections=args.section_list, reps=ctx.reps, reps_large=ctx.reps_big,
                    cuda_graphs=ctx.use_graph, rotate_bytes=ctx.rotate_bytes, seed=args.seed,
                    dtype="bf16", max_minutes=args.max_minutes),
        peaks=ctx.peaks,
        notes=list(GENERAL_NOTES),
        summary={},
        measurements=[],
    )
    if not ctx.is_cuda:
        ctx.results["notes"].append("CPU run: smoke test only, numbers are meaningless for planning.")
    log("gpu=%s driver=%s torch=%s cuda=%s hip=%s peaks=%s" % (
        env.get("gpu_name"), env.get("driver_version"), env.get("torch_version"),
        env.get("cuda_version"), env.get("hip_version"),
        dict((k, v) for k, v in ctx.peaks.items() if not k.endswith("_source"))))
    ctx.save(complete=False)

    runners = dict(hbm=lambda: section_hbm(ctx), gemm=lambda: section_gemm(ctx),
                   moe=lambda: section_moe(ctx, gen), attention=lambda: section_attention(ctx),
                   decode=lambda: section_decode(ctx, gen))
    interrupted = False
    for name in ALL_SECTIONS:
        if name not in args.section_list:
            continue
        log("=== section %s ===" % name)
        t0 = time.time()
        try:
            runners[name]()
        except KeyboardInterrupt:
            log("interrupted; writing partial results")
            interrupted = True
        except Exception as ex:
            log("section %s failed: %s" % (name, short_error(ex)))
            ctx.add(dict(kind="section_error", params=dict(section=name), status="error",
                         seconds_median=None, error=short_error(ex),
                         traceback_tail=traceback.format_exc().strip().splitlines()[-8:], notes=[]))
        ctx.cleanup()
        ctx.results["summary"]["section_seconds_%s" % name] = round(time.time() - t0, 2)
        ctx.save(complete=False)
        if interrupted:
            break
    ms = ctx.results["measurements"]
    ctx.results["summary"]["records_ok"] = sum(1 for r in ms if r.get("status") == "ok")
    ctx.results["summary"]["records_not_ok"] = sum(1 for r in ms if r.get("status") != "ok")
    ctx.save(complete=not interrupted)
    log("wrote %s (%d records, %d not ok)" % (ctx.out_path, len(ms),
                                               ctx.results["summary"]["records_not_ok"]))
    return 0 if not interrupted else 130


if __name__ == "__main__":
    sys.exit(main())
