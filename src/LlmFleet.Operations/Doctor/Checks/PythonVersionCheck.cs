namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>The Python on PATH against the engine's supported range (Data/engines.json).</summary>
public sealed class PythonVersionCheck : IDoctorCheck
{
    public string Id => "python";

    public async Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var engine = context.Engine;
        if (engine.PythonMin is null || engine.PythonMax is null)
        {
            return CheckResult.Skipped(Id, $"skipped: {engine.Id} needs no Python");
        }
        var range = $"{engine.PythonMin}–{engine.PythonMax}";
        var fix = $"Create an environment with a supported Python: `uv venv --python {engine.PythonMax}` and activate it before running doctor.";
        var python = await context.PythonAsync();
        if (python.Absent is not null)
        {
            return new CheckResult(Id, CheckStatus.Fail, python.Absent, [$"{engine.Id} needs Python {range}"], fix);
        }
        var v = python.Version!;
        string[] evidence = [$"python3: {v} ({python.Executable})", $"{engine.Id} supports Python {range}"];
        var minor = new Version(v.Major, v.Minor);
        return minor >= engine.PythonMin && minor <= engine.PythonMax
            ? CheckResult.Pass(Id, $"Python {v} is in {engine.Id}'s supported range {range}", evidence)
            : new CheckResult(Id, CheckStatus.Fail, $"Python {v} is outside {engine.Id}'s supported range {range}", evidence, fix);
    }
}
