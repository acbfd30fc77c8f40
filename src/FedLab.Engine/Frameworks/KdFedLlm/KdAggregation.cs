using System.Text.Json.Serialization;

namespace FedLab.Engine.Frameworks.KdFedLlm;

public enum KdAggregation
{
    /// <summary>Average of the clients' probabilities weighted by their training example counts.</summary>
    [JsonStringEnumMemberName("examples")]
    Examples,

    /// <summary>As examples, with each client's weight per public example also scaled by its confidence (max probability).</summary>
    [JsonStringEnumMemberName("confidence")]
    Confidence,
}
