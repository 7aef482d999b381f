// The twin is an HTTP server of vLLM's OpenAI wire: these namespaces are in nearly every file of its API.
global using LlmFleet.Vllm.Errors;
global using LlmFleet.Vllm.OpenAi;
global using Microsoft.AspNetCore.Http;
