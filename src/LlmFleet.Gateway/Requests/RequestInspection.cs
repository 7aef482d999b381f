namespace LlmFleet.Gateway.Requests;

/// <summary>What one pass of <see cref="RequestInspector"/> found in a request body.</summary>
internal struct RequestInspection
{
    /// <summary>Null when the body is valid JSON with an object at the top; else why not.</summary>
    public string? Error;

    /// <summary>Bytes of the <c>model</c> value token, quotes included; default when absent. In a
    /// <c>multipart/form-data</c> body (<see cref="Multipart"/>): the field's value, no quotes.</summary>
    public Range ModelToken;

    /// <summary>The body is <c>multipart/form-data</c> (<see cref="MultipartInspector"/>), not JSON.</summary>
    public bool Multipart;

    public bool HasModel;

    /// <summary>The <c>model</c> value was too long to look up (and so names no configured model).</summary>
    public bool ModelTooLong;

    public int ModelLength;

    public bool Stream;

    /// <summary>The leading part of the prompt that identifies a conversation (see <see cref="RequestInspector"/>).</summary>
    public Range Prefix;

    public bool HasPrefix;
}
