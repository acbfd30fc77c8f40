using System.Text.Json.Serialization;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

public enum SplitVariant
{
    /// <summary>Split learning: clients take turns; the client-side part passes from one client to the next.</summary>
    [JsonStringEnumMemberName("sequential")]
    Sequential,

    /// <summary>SplitFed: clients work in parallel each round; their client-side parts are averaged like FedAvg.</summary>
    [JsonStringEnumMemberName("splitfed")]
    SplitFed,
}
