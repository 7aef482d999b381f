namespace LlmFleet.Simulation.Text;

/// <summary>
/// A tiny seeded generator (SplitMix64): the same seed gives the same output text on every machine and run, which
/// <see cref="Random"/> does not promise across .NET versions.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public static ulong Mix(ulong a, ulong b) => Finalize(a * 0x9E3779B97F4A7C15UL ^ b);

    public ulong Next() => Finalize(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, <paramref name="max"/>).</summary>
    public int Next(int max) => (int)(Next() % (ulong)max);

    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
