using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;

namespace LlmFleet.Cli.Infrastructure;

/// <summary>Lets Spectre.Console.Cli build commands from Microsoft's service container (commands take services in
/// their constructors: the console, a TimeProvider).</summary>
internal sealed class TypeRegistrar(IServiceCollection services) : ITypeRegistrar
{
    /// <summary>Spectre's command model, kept when Spectre registers it (before it parses the arguments): the names of
    /// commands and options that <see cref="ParseErrors"/> suggests from when parsing fails. Spectre offers no public
    /// way to it outside help providers; if a version stops registering it, messages lose their suggestions and
    /// ParseErrorTests fail.</summary>
    public ICommandModel? Model { get; private set; }

    public ITypeResolver Build() => new TypeResolver(services.BuildServiceProvider());

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Spectre registers the CLI's own command types and its own services; the AOT build roots both assemblies (LlmFleet.Cli.csproj).")]
    public void Register(Type service, Type implementation) => services.AddSingleton(service, implementation);

    public void RegisterInstance(Type service, object implementation)
    {
        Model = implementation as ICommandModel ?? Model;
        services.AddSingleton(service, implementation);
    }

    public void RegisterLazy(Type service, Func<object> factory) => services.AddSingleton(service, _ => factory());

    private sealed class TypeResolver(ServiceProvider provider) : ITypeResolver, IDisposable
    {
        public object? Resolve(Type? type) => type is null ? null : provider.GetService(type);

        public void Dispose() => provider.Dispose();
    }
}
