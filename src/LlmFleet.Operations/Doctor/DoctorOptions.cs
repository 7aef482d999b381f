namespace LlmFleet.Operations.Doctor;

/// <summary>What the host is being checked for.</summary>
/// <param name="Model">A catalog id, config.json or folder; null checks the host alone.</param>
/// <param name="Quantization">The planner's quantization id (<c>fp8</c>, <c>bf16</c>, <c>gguf:UD-IQ2_XXS</c>); default <c>fp8</c>.</param>
/// <param name="Engine"><c>vllm</c> (default) or <c>llama.cpp</c>: decides the CUDA build, whether Python matters and
/// whether a GPU is required.</param>
/// <param name="ModelDir">Where the weights live or will be downloaded; default the Hugging Face cache
/// (<c>$HF_HUB_CACHE</c>, <c>$HF_HOME/hub</c>, <c>~/.cache/huggingface/hub</c>).</param>
public sealed record DoctorOptions(string? Model = null, string Quantization = "fp8", string Engine = "vllm", string? ModelDir = null);
