namespace LlmFleet.Planning.Recommendations;

/// <summary>The recommendation tiers, in the order <c>plan</c> shows them.</summary>
public static class Tiers
{
    /// <summary>Owned 8-GPU data-centre servers, several nodes when one is not enough; ranked by purchase price.</summary>
    public const string Enterprise = "enterprise";

    /// <summary>Cloud GPUs by the hour, one to eight per node, several nodes when needed; ranked by price per hour.</summary>
    public const string Rental = "rental";

    /// <summary>One desk-side GPU with large system RAM and MoE offload; ranked by GPU price, then RAM.</summary>
    public const string Workstation = "workstation";

    /// <summary>Apple silicon with unified memory; ranked by the configuration's price.</summary>
    public const string Apple = "apple";

    public static IReadOnlyList<string> All { get; } = [Enterprise, Rental, Workstation, Apple];
}
