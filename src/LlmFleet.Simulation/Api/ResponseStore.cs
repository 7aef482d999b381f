namespace LlmFleet.Simulation.Api;

/// <summary>
/// The responses a twin keeps for <c>GET /v1/responses/{id}</c>, <c>cancel</c> and <c>previous_response_id</c>, as
/// vLLM keeps them in memory with <c>VLLM_ENABLE_RESPONSES_API_STORE=1</c>. vLLM never forgets one (its own code warns
/// of the leak); the twin keeps the newest <see cref="Capacity"/> so a long load test cannot exhaust its memory.
/// </summary>
internal sealed class ResponseStore
{
    /// <summary>Responses kept; the oldest is forgotten first.</summary>
    public const int Capacity = 10_000;

    private readonly Dictionary<string, StoredResponse> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    public StoredResponse? Find(string id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    public void Add(StoredResponse stored)
    {
        lock (_lock)
        {
            if (_byId.TryAdd(stored.Response.Id, stored))
            {
                _order.Enqueue(stored.Response.Id);
                while (_order.Count > Capacity)
                {
                    _byId.Remove(_order.Dequeue());
                }
            }
        }
    }
}

/// <summary>
/// One kept response: the body <c>GET</c> answers, the conversation that led to it (what a later
/// <c>previous_response_id</c> continues) and, while a background response runs, its run (what <c>cancel</c> aborts).
/// </summary>
internal sealed class StoredResponse(ResponsesResponse response, IReadOnlyList<ChatMessage> conversation)
{
    private readonly Lock _lock = new();

    public ResponsesResponse Response { get; private set; } = response;

    /// <summary>The input messages and the answer, in order.</summary>
    public IReadOnlyList<ChatMessage> Conversation { get; private set; } = conversation;

    public GenerationRun? Run { get; set; }

    /// <summary>Replaces the body with the finished one, unless the response was cancelled meanwhile (as vLLM).</summary>
    public void Complete(ResponsesResponse finished, IReadOnlyList<ChatMessage> conversation)
    {
        lock (_lock)
        {
            if (Response.Status != "cancelled")
            {
                Response = finished;
                Conversation = conversation;
            }
            Run = null;
        }
    }

    /// <summary>Marks a queued or running response cancelled and aborts its run; false when it is neither.</summary>
    public bool TryCancel()
    {
        GenerationRun? run;
        lock (_lock)
        {
            if (Response.Status is not ("queued" or "in_progress"))
            {
                return false;
            }
            Response.Status = "cancelled";
            run = Run;
        }
        run?.Abort();
        return true;
    }
}
