namespace LlmFleet.Catalog;

/// <summary>
/// Input the catalog cannot use: a config that is not JSON, lacks a required field, has a non-positive size, or an
/// unknown model id. The message names the problem; the CLI prints it and exits with code 2.
/// </summary>
public sealed class CatalogException(string message, Exception? inner = null) : Exception(message, inner);
