namespace LlmFleet.Planning;

/// <summary>
/// A request the planner cannot plan: an unknown GPU, zero GPUs, a context beyond the model's maximum, a format the
/// chosen hardware's engine cannot run. The message names the problem; the CLI prints it and exits with code 2.
/// (A plan that simply does not fit is not an error: it is a plan with <c>Fits = false</c>.)
/// </summary>
public sealed class PlanningException : Exception
{
    public PlanningException()
    {
    }

    public PlanningException(string message)
        : base(message)
    {
    }

    public PlanningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
