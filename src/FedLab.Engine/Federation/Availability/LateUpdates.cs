using System.Text.Json.Serialization;

namespace FedLab.Engine.Federation.Availability;

/// <summary>What the server does with the update of a client that was late (availability.late).</summary>
public enum LateUpdates
{
    /// <summary>Discard it (its bytes were sent and count): synchronous FL with a deadline.</summary>
    [JsonStringEnumMemberName("drop")]
    Drop,

    /// <summary>Keep it and aggregate it in the round it arrives, with a staleness weight (buffered asynchronous FL).</summary>
    [JsonStringEnumMemberName("stale")]
    Stale,
}
