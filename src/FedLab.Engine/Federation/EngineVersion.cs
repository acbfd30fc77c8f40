using System.Reflection;

namespace FedLab.Engine.Federation;

/// <summary>The engine's version, recorded with every run.</summary>
public static class EngineVersion
{
    public static string Current { get; } =
        typeof(EngineVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
