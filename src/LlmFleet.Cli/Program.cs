using LlmFleet.Cli;
using LlmFleet.Cli.Infrastructure;

return await LlmFleetApp.RunAsync(args, CliConsole.System());
