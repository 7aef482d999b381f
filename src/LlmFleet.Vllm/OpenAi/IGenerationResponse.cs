namespace LlmFleet.Vllm.OpenAi;

/// <summary>The head <see cref="ChatCompletionResponse"/> and <see cref="CompletionResponse"/> share: id, creation time,
/// model and usage; only their choices differ.</summary>
public interface IGenerationResponse
{
    string Id { get; set; }

    long Created { get; set; }

    string Model { get; set; }

    Usage Usage { get; set; }
}
