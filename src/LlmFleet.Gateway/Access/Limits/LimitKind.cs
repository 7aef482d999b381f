namespace LlmFleet.Gateway.Access.Limits;

/// <summary>Which limit refused a request.</summary>
public enum LimitKind
{
    None = 0,
    Rpm = 1,
    Tpm = 2,
    BudgetDay = 3,
    BudgetMonth = 4,
    Parallel = 5,

    /// <summary>The limits' store could not be asked and <c>on_store_failure</c> is <c>closed</c>.</summary>
    StoreUnavailable = 6,
}
