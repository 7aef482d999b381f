using LlmFleet.Cli;
using LlmFleet.Cli.Infrastructure;

EmbeddedNativeLibraries.Register();
return await LlmFleetApp.RunAsync(args, CliConsole.System());
