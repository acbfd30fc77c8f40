using System.Text.Json.Serialization;

namespace FedLab.Engine.Frameworks.FedLlm;

public enum ServerOptimizerKind
{
    /// <summary>Plain weighted average (FedAvg).</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>FedAvgM: server momentum on the averaged update.</summary>
    [JsonStringEnumMemberName("avgm")]
    AvgM,

    /// <summary>FedAdam (Reddi et al. 2021): Adam on the averaged update.</summary>
    [JsonStringEnumMemberName("adam")]
    Adam,
}
