namespace FedLab.Web.Api;

/// <summary>201 answer of POST /api/runs.</summary>
public sealed record CreatedRun(Guid Id, string Status);
