using System.Text.Json.Serialization;
using LlmFleet.Cli.Commands.Cost;
using LlmFleet.Cli.Commands.Doctor;
using LlmFleet.Cli.Commands.Models;
using LlmFleet.Cli.Commands.Plan;
using LlmFleet.Cli.Commands.Version;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Operations.Download;
using LlmFleet.Operations.Verify;

namespace LlmFleet.Cli.Infrastructure;

/// <summary>The documents that <c>--json</c> prints, one entry per command's output type (use
/// <see cref="CliJson.Context"/>, which carries the output conventions).</summary>
[JsonSerializable(typeof(CostJson))]
[JsonSerializable(typeof(DoctorCommand.DoctorJson))]
[JsonSerializable(typeof(DownloadReport))]
[JsonSerializable(typeof(HardwareReport))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(IReadOnlyList<KeyView>))]
[JsonSerializable(typeof(ModelReport))]
[JsonSerializable(typeof(List<ModelReport>))]
[JsonSerializable(typeof(PlanReport))]
[JsonSerializable(typeof(List<QuantReport>))]
[JsonSerializable(typeof(IReadOnlyList<UsageTotal>))]
[JsonSerializable(typeof(VerifyReport))]
[JsonSerializable(typeof(VersionCommand.VersionReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
