using System.ComponentModel;
using System.Globalization;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Sim;

/// <summary>
/// <c>llmfleet sim &lt;model&gt;</c>: K vLLM twins on ports port…port+K−1, timed by the planner for the model,
/// quantization and GPUs; prints their URLs and serves until Ctrl+C.
/// </summary>
internal sealed class SimCommand(CliConsole console) : AsyncCommand<SimCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<model>")]
        [Description("A catalog id (see `llmfleet models`), a config.json, or a folder holding one.")]
        public string Model { get; init; } = "";

        [CommandOption("--quant <FORMAT>")]
        [Description("Weight format (see `llmfleet quants`). Default: fp8.")]
        public string Quant { get; init; } = "fp8";

        [CommandOption("--gpu <ID>")]
        [Description("GPU kind (see `llmfleet hardware`). Default: h200.")]
        public string Gpu { get; init; } = "h200";

        [CommandOption("--gpus <N>")]
        [Description("GPUs per twin. Default: 8.")]
        public int Gpus { get; init; } = 8;

        [CommandOption("--host <ADDRESS>")]
        [Description("Address to listen on. Default: 127.0.0.1.")]
        public string Host { get; init; } = "127.0.0.1";

        [CommandOption("--port <PORT>")]
        [Description("Port of the first twin; the others take the next ones. Default: 8000 (vLLM's).")]
        public int Port { get; init; } = 8000;

        [CommandOption("--instances <K>")]
        [Description("How many twins. Default: 1.")]
        public int Instances { get; init; } = 1;

        [CommandOption("--served-model-name <NAME>")]
        [Description("The model name clients send. Default: the Hugging Face repo id, as `vllm serve` shows it.")]
        public string? ServedModelName { get; init; }

        [CommandOption("--max-num-seqs <N>")]
        [Description("Most sequences per engine step. Default: 256.")]
        public int MaxNumSeqs { get; init; } = 256;

        [CommandOption("--max-num-batched-tokens <N>")]
        [Description("Token budget per engine step (chunked prefill). Default: 8192.")]
        public int MaxNumBatchedTokens { get; init; } = 8192;

        [CommandOption("--max-model-len <TOKENS>")]
        [Description("Context limit. Default: the planner's (the model's, capped by the KV cache).")]
        public long? MaxModelLen { get; init; }

        [CommandOption("--speed <FACTOR>")]
        [Description("1 = as fast as the model on that hardware, 10 = ten times faster, 0 = no waiting (load tests). Default: 1.")]
        public double Speed { get; init; } = 1;

        [CommandOption("--seed <N>")]
        [Description("Seed of the generated text and of fault draws; twin i uses seed + i. Default: 0.")]
        public int Seed { get; init; }

        [CommandOption("--faults <SPEC>")]
        [Description("Faults from the start: crash, hang, unhealthy, slow=K, error=FRACTION[[:500|503]], drop_stream=K, mid_stream_error=K (comma-separated). Change them later with POST /sim/faults.")]
        public string? Faults { get; init; }

        [CommandOption("--runner <KIND>")]
        [Description("generate (default) or pooling (an embedding model: /v1/embeddings).")]
        public string Runner { get; init; } = "generate";

        [CommandOption("--reasoning-parser <NAME>")]
        [Description("auto (default: on for GLM models), none, or a parser name: chat output starts with reasoning.")]
        public string ReasoningParser { get; init; } = "auto";

        [CommandOption("--vllm-version <VERSION>")]
        [Description("Whose wire to speak: 0.11, 0.16 or latest (default): reasoning field, error wording, metric families, /version.")]
        public string VllmVersion { get; init; } = "latest";

        [CommandOption("--enable-prompt-tokens-details")]
        [Description("As vllm serve's flag: usage carries prompt_tokens_details.cached_tokens from the prefix cache.")]
        public bool EnablePromptTokensDetails { get; init; }

        [CommandOption("--enable-responses-store")]
        [Description("As vLLM's VLLM_ENABLE_RESPONSES_API_STORE=1 (also read from that variable): /v1/responses keeps its answers for GET /v1/responses/{id}, cancel and previous_response_id, and may run in the background.")]
        public bool EnableResponsesStore { get; init; }

        [CommandOption("--api-key <KEY>")]
        [Description("As vLLM's --api-key (repeatable; default: the VLLM_API_KEY variable): /v1 requests without `Authorization: Bearer KEY` get 401. /health and /metrics stay open.")]
        public string[] ApiKeys { get; init; } = [];

        public override ValidationResult Validate() =>
            Instances is < 1 or > 64 ? ValidationResult.Error($"--instances must be 1–64, got {Instances}")
            : Port is < 0 or > 65535 || Port + Instances - 1 > 65535 ? ValidationResult.Error($"--port {Port} leaves no room for {Instances} twins")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var baseOptions = Options(settings);
        var twins = new List<RunningTwin>();
        try
        {
            for (var i = 0; i < settings.Instances; i++)
            {
                var port = settings.Port == 0 ? 0 : settings.Port + i;
                var url = $"http://{settings.Host}:{port.ToString(CultureInfo.InvariantCulture)}";
                twins.Add(await StartAsync(baseOptions with { Seed = settings.Seed + i }, url, cancellationToken));
            }
            var first = twins[0];
            console.Ansi.MarkupLine($"Started {twins.Count} vLLM twin{(twins.Count == 1 ? "" : "s")} of [bold]{Markup.Escape(settings.Model)}[/] " +
                $"({Markup.Escape(settings.Quant)} on {settings.Gpus}× {Markup.Escape(settings.Gpu)}), model name [bold]{Markup.Escape(first.ServedModelName)}[/], " +
                $"max-model-len {first.Profile.MaxModelLen.ToString("N0", CultureInfo.InvariantCulture)}, KV cache {first.Profile.KvCacheTokens.ToString("N0", CultureInfo.InvariantCulture)} tokens, speed {settings.Speed.ToString(CultureInfo.InvariantCulture)}×");
            foreach (var twin in twins)
            {
                console.Out.WriteLine(twin.BaseAddress.ToString().TrimEnd('/'));
            }
            console.Out.Flush();
            console.Ansi.MarkupLine("OpenAI API under /v1, metrics at /metrics, faults at /sim/faults. Ctrl+C stops.");
            await WaitUntilStoppedAsync(twins, cancellationToken);
        }
        finally
        {
            foreach (var twin in twins)
            {
                await twin.DisposeAsync();
            }
        }
        return ExitCodes.Success;
    }

    private static TwinOptions Options(Settings s)
    {
        FaultOptions faults;
        try
        {
            faults = s.Faults is null ? FaultOptions.None : FaultOptions.Parse(s.Faults);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--faults: {e.Message}");
        }
        return new TwinOptions
        {
            Model = s.Model,
            Quantization = s.Quant,
            Gpu = s.Gpu,
            Gpus = s.Gpus,
            ServedModelName = s.ServedModelName,
            MaxNumSeqs = s.MaxNumSeqs,
            MaxNumBatchedTokens = s.MaxNumBatchedTokens,
            MaxModelLen = s.MaxModelLen,
            Speed = s.Speed,
            Seed = s.Seed,
            Faults = faults,
            Runner = s.Runner,
            ReasoningParser = s.ReasoningParser,
            VllmVersion = s.VllmVersion,
            EnablePromptTokensDetails = s.EnablePromptTokensDetails,
            EnableResponsesStore = s.EnableResponsesStore || Environment.GetEnvironmentVariable("VLLM_ENABLE_RESPONSES_API_STORE") == "1",
            ApiKeys = s.ApiKeys.Length > 0 ? s.ApiKeys
                : Environment.GetEnvironmentVariable("VLLM_API_KEY") is { Length: > 0 } fromEnv ? [fromEnv] : [],
        };
    }

    private static async Task<RunningTwin> StartAsync(TwinOptions options, string url, CancellationToken ct)
    {
        try
        {
            return await TwinHost.StartAsync(options, url, ct);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot listen on {url}: {e.Message} (choose another --port)");
        }
    }

    /// <summary>Until Ctrl+C or SIGTERM (each twin's host stops on them), or the command's token; a crashed twin alone does not end it.</summary>
    private static async Task WaitUntilStoppedAsync(List<RunningTwin> twins, CancellationToken ct)
    {
        var stopped = twins.Select(t =>
        {
            var done = new TaskCompletionSource();
            t.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => done.TrySetResult());
            return done.Task;
        });
        var cancelled = Task.Delay(Timeout.Infinite, ct);
        await Task.WhenAny(Task.WhenAll(stopped), cancelled);
    }
}
