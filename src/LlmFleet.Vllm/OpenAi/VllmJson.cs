using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlmFleet.Vllm.Errors;

namespace LlmFleet.Vllm.OpenAi;

/// <summary>
/// The type metadata to read and write the wire with: <see cref="VllmJsonContext"/>'s, but without escaping quotes,
/// apostrophes and non-ASCII text, as Python's pydantic writes them (<c>'max_tokens'</c>, not <c>\u0027max_tokens\u0027</c>).
/// </summary>
public static class VllmJson
{
    public static JsonSerializerOptions Options { get; } = new(VllmJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonTypeInfo<ChatCompletionRequest> ChatCompletionRequest { get; } = Get<ChatCompletionRequest>();

    public static JsonTypeInfo<ChatCompletionResponse> ChatCompletionResponse { get; } = Get<ChatCompletionResponse>();

    public static JsonTypeInfo<CompletionRequest> CompletionRequest { get; } = Get<CompletionRequest>();

    public static JsonTypeInfo<CompletionResponse> CompletionResponse { get; } = Get<CompletionResponse>();

    public static JsonTypeInfo<EmbeddingRequest> EmbeddingRequest { get; } = Get<EmbeddingRequest>();

    public static JsonTypeInfo<EmbeddingResponse> EmbeddingResponse { get; } = Get<EmbeddingResponse>();

    public static JsonTypeInfo<ModelList> ModelList { get; } = Get<ModelList>();

    public static JsonTypeInfo<VersionResponse> VersionResponse { get; } = Get<VersionResponse>();

    public static JsonTypeInfo<TokenizeRequest> TokenizeRequest { get; } = Get<TokenizeRequest>();

    public static JsonTypeInfo<TokenizeResponse> TokenizeResponse { get; } = Get<TokenizeResponse>();

    public static JsonTypeInfo<DetokenizeRequest> DetokenizeRequest { get; } = Get<DetokenizeRequest>();

    public static JsonTypeInfo<DetokenizeResponse> DetokenizeResponse { get; } = Get<DetokenizeResponse>();

    public static JsonTypeInfo<ErrorResponse> ErrorResponse { get; } = Get<ErrorResponse>();

    public static JsonTypeInfo<Usage> Usage { get; } = Get<Usage>();

    public static JsonTypeInfo<ResponsesRequest> ResponsesRequest { get; } = Get<ResponsesRequest>();

    public static JsonTypeInfo<ResponsesResponse> ResponsesResponse { get; } = Get<ResponsesResponse>();

    public static JsonTypeInfo<ResponseStreamEvent> ResponseStreamEvent { get; } = Get<ResponseStreamEvent>();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonTypeInfo<ChatCompletionResponse>> ByReasoningField = new();

    /// <summary>
    /// A chat completion written with the message's reasoning under <paramref name="reasoningField"/>
    /// (<c>reasoning_content</c> up to vLLM 0.11, <c>reasoning</c> after), still written as null when there is none.
    /// </summary>
    public static JsonTypeInfo<ChatCompletionResponse> ChatCompletionResponseWith(string reasoningField) =>
        ByReasoningField.GetOrAdd(reasoningField, static field =>
        {
            var options = new JsonSerializerOptions(Options)
            {
                TypeInfoResolver = VllmJsonContext.Default.WithAddedModifier(info =>
                {
                    if (info.Type != typeof(ChatResponseMessage))
                    {
                        return;
                    }
                    foreach (var property in info.Properties)
                    {
                        if (property.Name == ReasoningContentKey)
                        {
                            property.Name = field;
                        }
                    }
                }),
            };
            return (JsonTypeInfo<ChatCompletionResponse>)options.GetTypeInfo(typeof(ChatCompletionResponse));
        });

    private const string ReasoningContentKey = "reasoning_content";

    private static JsonTypeInfo<T> Get<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
