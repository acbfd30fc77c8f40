using System.Text.Json;
using FedLab.Data;

namespace FedLab.Web.Api;

/// <summary>GET /api/runs/{id}: the stored run, with the spec exactly as stored (the spec JSON format).</summary>
public sealed record RunDetailResponse(
    RunSummaryRow Summary,
    JsonElement Spec,
    RunFacts? Facts,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<ClientPartitionRow> Partitions,
    IReadOnlyList<RoundRow> Rounds,
    IReadOnlyList<ClientRoundRow>? ClientRounds,
    int? CheckpointRound,
    bool Queued,
    bool Running)
{
    public static RunDetailResponse From(RunDetail d, bool includeClientRounds, bool queued, bool running)
    {
        using var spec = JsonDocument.Parse(d.SpecJson);
        return new RunDetailResponse(d.Summary, spec.RootElement.Clone(), d.Facts, d.ClassNames, d.Partitions, d.Rounds,
            includeClientRounds ? d.ClientRounds : null, d.CheckpointRound, queued, running);
    }
}
