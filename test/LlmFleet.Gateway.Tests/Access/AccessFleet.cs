using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary>
/// A twin and a gateway with <c>auth: keys</c> over a real SQLite file in a fresh folder (or another store), started
/// by <see cref="FleetBuilder"/>. Keys are created in the store before the gateway starts, as <c>llmfleet keys
/// create</c> would. Each fleet has its own secret variable, so fleets in parallel tests share nothing.
/// </summary>
internal static class AccessFleet
{
    /// <summary>A fresh access configuration with its own secret variable (set here) and a SQLite file in a new folder.</summary>
    public static (AccessConfig Access, string Store) NewSetup(string? limits = null)
    {
        var secretEnv = "LLMFLEET_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(secretEnv, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var access = new AccessConfig { Auth = AuthModes.Keys, AuthExplicit = true, SecretEnv = secretEnv, Limits = limits, AdminKeyEnv = "LLMFLEET_TEST_ADMIN_" + Guid.NewGuid().ToString("N") };
        return (access, "sqlite:" + Path.Combine(TestPaths.NewTempDirectory("llmfleet-access"), "fleet.db"));
    }

    /// <summary>Creates keys in <paramref name="store"/> (migrating it first) and returns them, key text included.</summary>
    public static async Task<KeyView[]> CreateKeysAsync(string store, AccessConfig access, params NewKeySpec[] specs)
    {
        await using var s = AccessStores.Open(store);
        await s.MigrateAsync(TestContext.Current.CancellationToken);
        var admin = new KeyAdministration(s, await KeyAdministration.HasherForAsync(s, access.SecretEnv, TestContext.Current.CancellationToken), TimeProvider.System);
        var created = new List<KeyView>();
        foreach (var spec in specs)
        {
            created.Add(await admin.CreateAsync(spec, TestContext.Current.CancellationToken));
        }
        return [.. created];
    }

    public static async Task<RunningFleet> StartAsync(double speed = 0, string? store = null, AccessConfig? access = null,
        RunningTwin? twin = null, Func<FleetConfig, FleetConfig>? fleet = null)
    {
        if (access is null || store is null)
        {
            var setup = NewSetup();
            access ??= setup.Access;
            store ??= setup.Store;
        }
        return await new FleetBuilder().Twin(twin ?? await FleetBuilder.StartTwinAsync(speed)).Access(access, store).ChangeConfig(fleet).StartAsync();
    }

    /// <summary>A chat request that generates exactly <paramref name="maxTokens"/> tokens (<c>ignore_eos</c>).</summary>
    public static string ExactChatJson(int maxTokens, bool stream = false, bool includeUsage = false, string model = FleetBuilder.Model)
    {
        var usage = includeUsage ? ""","stream_options":{"include_usage":true}""" : "";
        return $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Write a long story."}],"max_tokens":{{maxTokens}},"ignore_eos":true,"stream":{{(stream ? "true" : "false")}}{{usage}}}""";
    }

    /// <summary>Waits, if needed, until at least <paramref name="seconds"/> remain in the current UTC minute, so a
    /// test of per-minute limits does not straddle two windows.</summary>
    public static async Task AwayFromMinuteEndAsync(int seconds = 10)
    {
        var now = TimeProvider.System.GetUtcNow();
        var left = 60 - now.Second - (now.Millisecond / 1000.0);
        if (left < seconds)
        {
            await Task.Delay(TimeSpan.FromSeconds(left + 0.2), TestContext.Current.CancellationToken);
        }
    }

    extension(RunningFleet fleet)
    {
        /// <summary>The fleet's one twin.</summary>
        public RunningTwin Twin => fleet.Twins[0];

        /// <summary>Opens the fleet's store (the caller disposes it).</summary>
        public IAccessStore OpenStore() => AccessStores.Open(fleet.Store!);
    }
}
