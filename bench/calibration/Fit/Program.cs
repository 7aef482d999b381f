using System.Globalization;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Memory;
using LlmFleet.Planning.Performance;

// `--startup-kv` prints the table of vLLM start-up KV numbers (Data/Calibration/vllm-startup-kv.json) against the
// planner, for docs/planning.md, and fits nothing.
if (args is ["--startup-kv"])
{
    PrintStartupKv();
    return 0;
}

// Coordinate descent in log space over the vLLM profile's fitted costs, minimising the mean absolute log error of the
// planner against the 'fit' benchmarks. Every term is physical and positive, so each is searched over a factor range
// around its current value; the GPU kernel efficiencies are not touched (they come from bench/gpu).
var baseCalibration = Calibration.Default;
var fit = PublishedBenchmarks.All.Where(b => !b.HeldOut).ToList();
var heldOut = PublishedBenchmarks.All.Where(b => b.HeldOut).ToList();

// Left as they are: the request overhead (only TTFT measurements fix it, and the fit set has none) and the per-token
// serving cost (the fit set has no high-concurrency point of a small model, where it binds; free, the fit trades it
// against the MLA models' kernel floors and caps every replica near 10,000 tok/s).
// Kernel floors and collectives are the GPUs' and the kernels', shared by vLLM and SGLang; each engine has its own
// serving loop, so its own per-step cost.
string[] names = ["floor_layer", "floor_moe", "floor_mla", "floor_indexer", "all_reduce", "step_vllm", "step_sglang"];
var vllm = baseCalibration.For(InferenceEngine.Vllm);
var sglang = baseCalibration.Engines["sglang"];
double[] x = [vllm.FloorSecondsPerLayer, vllm.FloorSecondsPerMoeLayer, vllm.FloorSecondsPerMlaLayer,
    vllm.FloorSecondsPerIndexerLayer, vllm.AllReduceLatencySeconds, vllm.StepOverheadSeconds, sglang.StepOverheadSeconds];

Calibration With(double[] v)
{
    EngineProfile Shared(EngineProfile p, double step) => p with
    {
        FloorSecondsPerLayer = v[0],
        FloorSecondsPerMoeLayer = v[1],
        FloorSecondsPerMlaLayer = v[2],
        FloorSecondsPerIndexerLayer = v[3],
        AllReduceLatencySeconds = v[4],
        StepOverheadSeconds = step,
    };
    return baseCalibration.With(Shared(vllm, v[5])).With(Shared(sglang, v[6]));
}

double Loss(double[] v)
{
    var c = With(v);
    return fit.Average(b => Math.Abs(Math.Log(1 + PublishedBenchmarks.Error(b, PublishedBenchmarks.Predict(b, c)))));
}

// `name=value` arguments pin a cost at that value (seconds) and leave it out of the fit.
var pinned = new HashSet<int>();
foreach (var arg in args)
{
    var parts = arg.Split('=');
    var index = Array.IndexOf(names, parts[0]);
    if (parts.Length != 2 || index < 0)
    {
        Console.Error.WriteLine($"unknown argument '{arg}': expected name=value with name one of {string.Join(", ", names)}");
        return 2;
    }
    x[index] = double.Parse(parts[1], CultureInfo.InvariantCulture);
    pinned.Add(index);
}

var loss = Loss(x);
Console.Error.WriteLine($"start: mean |log error| {loss:F4}");
for (var round = 0; round < 30; round++)
{
    var before = loss;
    for (var i = 0; i < x.Length; i++)
    {
        if (pinned.Contains(i))
        {
            continue;
        }
        foreach (var factor in new[] { 8.0, 4.0, 2.0, 1.5, 1.2, 1.1, 1.05, 1 / 1.05, 1 / 1.1, 1 / 1.2, 1 / 1.5, 1 / 2.0, 1 / 4.0, 1 / 8.0 })
        {
            var trial = (double[])x.Clone();
            trial[i] *= factor;
            var l = Loss(trial);
            // Only a real gain moves a cost: on a flat stretch the search would otherwise drift from run to run.
            if (l < loss - 1e-4)
            {
                loss = l;
                x = trial;
            }
        }
    }
    Console.Error.WriteLine($"round {round + 1}: mean |log error| {loss:F4}  " +
        string.Join(" ", names.Select((n, i) => $"{n}={x[i].ToString("G3", CultureInfo.InvariantCulture)}")));
    if (loss > before - 1e-5)
    {
        break;
    }
}

var fitted = With(x);
Console.WriteLine("fitted (seconds): " + string.Join(", ", names.Select((n, i) => $"{n} {x[i].ToString("G3", CultureInfo.InvariantCulture)}")));
Print("Fit", fit, fitted);
Print("Held out", heldOut, fitted);
return 0;

static void Print(string title, List<PublishedBenchmark> set, Calibration c)
{
    Console.WriteLine();
    Console.WriteLine($"### {title} ({set.Count})");
    Console.WriteLine();
    Console.WriteLine("| benchmark | layout | concurrency | in/out | metric | published | planner | error |");
    Console.WriteLine("|---|---|---:|---|---|---:|---:|---:|");
    var errors = new List<double>();
    foreach (var b in set)
    {
        var p = PublishedBenchmarks.Predict(b, c);
        var e = PublishedBenchmarks.Error(b, p);
        errors.Add(Math.Abs(e));
        var layout = $"{b.Gpus}×{b.Gpu} TP{b.TensorParallel}" + (b.DataParallel > 1 ? $" DP{b.DataParallel}" : "") + (b.ExpertParallel ? " EP" : "")
            + (b.MtpAcceptance is { } l ? $" MTP {l:0.##}" : "");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {b.Model} {b.Quant} ({b.Engine}) | {layout} | {b.Concurrency} | {b.InputTokens}/{b.OutputTokens} | {b.Metric} | {b.Value:G5} | {p:G4} | {e:+0%;-0%} |"));
    }
    errors.Sort();
    var median = errors.Count % 2 == 1 ? errors[errors.Count / 2] : (errors[errors.Count / 2 - 1] + errors[errors.Count / 2]) / 2;
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median |error| {median:P0}, largest {errors[^1]:P0}"));
}

static void PrintStartupKv()
{
    Console.WriteLine("| case | layout | logged KV tokens | planner | error | logged KV GiB/GPU | planner | difference |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
    var tokenErrors = new List<double>();
    var budgetErrors = new List<double>();
    foreach (var log in StartupKvLogs.All)
    {
        var p = StartupKvLogs.Predict(log);
        var tokenError = StartupKvLogs.TokenError(log, p);
        var budgetError = StartupKvLogs.BudgetErrorGib(log, p);
        if (tokenError is { } t)
        {
            tokenErrors.Add(Math.Abs(t));
        }
        if (budgetError is { } b)
        {
            budgetErrors.Add(Math.Abs(b));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {log.Model} {log.Quant} ({log.HfModel}) | {log.Layout} | {(log.KvCacheTokens is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : "–")} | {p.KvCacheTokens:N0} | {(tokenError is { } e ? e.ToString("+0%;-0%", CultureInfo.InvariantCulture) : "–")} | {(log.AvailableKvGib is { } g ? g.ToString("F2", CultureInfo.InvariantCulture) : "–")} | {p.AvailableKvGib:F2} | {(budgetError is { } d ? d.ToString("+0.00;-0.00", CultureInfo.InvariantCulture) : "–")} |"));
    }
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"KV tokens: median |error| {Median(tokenErrors):P0}, largest {tokenErrors.Max():P0} ({tokenErrors.Count} logs); " +
        $"KV budget: median |difference| {Median(budgetErrors):F2} GiB, largest {budgetErrors.Max():F2} GiB ({budgetErrors.Count} logs)"));
}

static double Median(List<double> values)
{
    var v = values.OrderBy(x => x).ToList();
    return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
}
