using System.Collections.Immutable;
using FedLab.Engine.Frameworks.Centralized;
using FedLab.Engine.Frameworks.FedLlm;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Frameworks.SplitFedLlm;

namespace FedLab.Engine.Frameworks;

/// <summary>
/// The frameworks a spec may name: the built-in ones, and any a host or test registers at start-up. This is the only
/// list of frameworks in FedLab; adding one is a folder with its descriptor plus one line here (or one
/// <see cref="Register"/> call from outside the engine).
/// </summary>
public static class FrameworkRegistry
{
    private static ImmutableArray<FrameworkDescriptor> s_all =
    [
        new FedLlmFramework(),
        new KdFramework(),
        new SplitFramework(),
        new CentralizedFramework(),
    ];

    public static IReadOnlyList<FrameworkDescriptor> All => s_all;

    public static IEnumerable<string> Names => s_all.Select(f => f.Name);

    public static FrameworkDescriptor? Find(string? name) => s_all.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    public static FrameworkDescriptor Get(string name) =>
        Find(name) ?? throw new ArgumentException($"unknown framework '{name}'; known frameworks: {string.Join(", ", Names)}", nameof(name));

    /// <summary>The descriptor whose options live in spec section <paramref name="section"/>.</summary>
    public static FrameworkDescriptor? BySection(string section) =>
        s_all.FirstOrDefault(f => string.Equals(f.OptionsSection, section, StringComparison.Ordinal));

    /// <summary>
    /// Adds a framework. Its name and options section must be new. Thread-safe; meant for start-up (a host's plug-ins)
    /// and for tests, which dispose the returned registration to remove the framework again. Registering a type that
    /// is already registered changes nothing and returns a registration that removes nothing.
    /// </summary>
    public static IDisposable Register(FrameworkDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        bool added = false;
        ImmutableInterlocked.Update(ref s_all, all =>
        {
            added = false;
            if (all.Any(f => f.GetType() == descriptor.GetType()))
            {
                return all;
            }
            if (all.Any(f => f.Name == descriptor.Name))
            {
                throw new InvalidOperationException($"a framework named '{descriptor.Name}' is already registered");
            }
            if (descriptor.OptionsSection is string section && (all.Any(f => f.OptionsSection == section) || FrameworkOptions.IsReservedSection(section)))
            {
                throw new InvalidOperationException($"the spec section '{section}' is already taken");
            }
            added = true;
            return all.Add(descriptor);
        });
        return new Registration(added ? descriptor : null);
    }

    private sealed class Registration(FrameworkDescriptor? added) : IDisposable
    {
        private FrameworkDescriptor? _added = added;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _added, null) is { } descriptor)
            {
                ImmutableInterlocked.Update(ref s_all, all => all.Remove(descriptor));
            }
        }
    }
}
