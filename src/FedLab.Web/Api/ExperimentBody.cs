using FedLab.Engine.Runs;

namespace FedLab.Web.Api;

/// <summary>The shape of POST /api/experiments' body, for the OpenAPI document (the endpoint parses it strictly itself).</summary>
public sealed record ExperimentBody(string? Name, string? Description, RunSpec Base, IReadOnlyList<string>? Frameworks);
