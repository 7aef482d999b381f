using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Hosting;

/// <summary>How to start a gateway: a <c>fleet.yaml</c> (watched for changes) or a configuration built in code.</summary>
public sealed record GatewayOptions
{
    /// <summary>The file to load and watch. Either this or <see cref="Config"/>.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>A configuration built in code (<c>llmfleet up</c>, tests); not watched.</summary>
    public FleetConfig? Config { get; init; }

    /// <summary>Listen addresses; default: the configuration's <c>listen</c>.</summary>
    public string? Urls { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Randomness of the policies; must be thread-safe. Default <see cref="Random.Shared"/>.</summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>Least severe log level written to the console. Default Information.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>Extra services: <see cref="IGatewayRequestFilter"/>s and <see cref="IUsageObserver"/>s.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
