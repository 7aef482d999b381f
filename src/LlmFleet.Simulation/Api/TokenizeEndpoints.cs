using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Text;

namespace LlmFleet.Simulation.Api;

/// <summary><c>POST /tokenize</c> and <c>POST /detokenize</c>, with the same tokenizer and chat template as generation.</summary>
internal static class TokenizeEndpoints
{
    public static async Task TokenizeAsync(HttpContext http, TwinContext twin, TokenizeRequest request)
    {
        string text;
        if (request.Messages is { Count: > 0 } messages)
        {
            text = PromptTokenizer.RenderChat(messages, null, request.AddGenerationPrompt ?? true);
        }
        else if (request.Prompt is { } prompt)
        {
            text = prompt;
        }
        else
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400, "Either prompt or messages must be given", "prompt"));
            return;
        }
        var ids = twin.Tokenizer.Encode(text);
        await ApiIo.WriteJsonAsync(http, new TokenizeResponse
        {
            Count = ids.Count,
            MaxModelLen = twin.Profile.MaxModelLen,
            Tokens = ids,
            TokenStrs = request.ReturnTokenStrs == true ? twin.Tokenizer.TokenStrings(ids) : null,
        }, VllmJson.TokenizeResponse);
    }

    public static async Task DetokenizeAsync(HttpContext http, TwinContext twin, DetokenizeRequest request)
    {
        string text;
        try
        {
            text = twin.Tokenizer.Decode(request.Tokens);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            await ApiIo.WriteErrorAsync(http, VllmErrors.Create(400, $"Invalid token ids: {e.Message}", "tokens"));
            return;
        }
        await ApiIo.WriteJsonAsync(http, new DetokenizeResponse { Prompt = text }, VllmJson.DetokenizeResponse);
    }
}
