using System.Text.Json.Serialization.Metadata;
using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>
/// One framework the engine knows: its JSON spelling, a display name, and the spec section holding its own
/// options (e.g. "fedLlm" for fedllm), if it has one.
/// </summary>
public sealed record FrameworkInfo(FrameworkKind Kind, string JsonName, string DisplayName, JsonPropertyInfo? OptionsSection)
{
    /// <summary>Trains across clients (everything but the centralized reference).</summary>
    public bool IsFederated => Kind != FrameworkKind.Centralized;
}
