using LlmFleet.Cli.Infrastructure;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Cli.Commands.Keys;

/// <summary>The store a fleet file names (<c>store:</c>, default <c>sqlite:fleet.db</c> next to the file), opened and migrated.</summary>
internal sealed class FleetStore : IAsyncDisposable
{
    private FleetStore(FleetConfig config, IAccessStore store)
    {
        Config = config;
        Store = store;
    }

    public FleetConfig Config { get; }

    public AccessConfig Access => Config.Access;

    public IAccessStore Store { get; }

    public static async Task<FleetStore> OpenAsync(string configPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(configPath))
        {
            throw new UsageException($"--config: no such file '{configPath}'");
        }
        FleetConfig config;
        try
        {
            config = FleetConfigLoader.Load(configPath);
        }
        catch (FleetConfigException e)
        {
            throw new UsageException(e.Message);
        }
        IAccessStore store;
        try
        {
            store = AccessStores.Open(config.Store ?? AccessStores.Default, Path.GetDirectoryName(Path.GetFullPath(configPath)));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        await store.MigrateAsync(cancellationToken);
        return new FleetStore(config, store);
    }

    public async Task<KeyAdministration> AdministrationAsync(TimeProvider time, CancellationToken cancellationToken) =>
        new(Store, await KeyAdministration.HasherForAsync(Store, Access.SecretEnv, cancellationToken), time);

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
