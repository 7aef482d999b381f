namespace LlmFleet.Gateway.Access.Stores;

/// <summary>A backend drained by an operator (<c>POST /admin/backends/{id}/drain</c>), kept in the store so the drain
/// outlives a gateway restart and reaches every replica sharing the store.</summary>
/// <param name="Backend">The backend's host:port, its name in <c>/admin/fleet</c> and in metrics.</param>
/// <param name="Since">When it was drained.</param>
/// <param name="Reason">What the operator gave with <c>?reason=</c>, if anything.</param>
public sealed record DrainedBackend(string Backend, DateTimeOffset Since, string? Reason);
