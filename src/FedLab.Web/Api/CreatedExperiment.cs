namespace FedLab.Web.Api;

/// <summary>201 answer of POST /api/experiments: the experiment and its runs, in framework order.</summary>
public sealed record CreatedExperiment(Guid ExperimentId, IReadOnlyList<Guid> RunIds, IReadOnlyList<string> Frameworks);
