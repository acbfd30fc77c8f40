using System.Text.Json.Serialization;

namespace FedLab.Engine.Frameworks.KdFedLlm;

public enum KdVariant
{
    /// <summary>FedMD-style: clients distil towards the aggregated consensus; there is no global model.</summary>
    [JsonStringEnumMemberName("consensus")]
    Consensus,

    /// <summary>FedDF / DS-FL-style: as consensus, and the server also distils the consensus into a global model.</summary>
    [JsonStringEnumMemberName("server-distillation")]
    ServerDistillation,
}
