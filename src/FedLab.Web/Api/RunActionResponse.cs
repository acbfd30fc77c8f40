namespace FedLab.Web.Api;

/// <summary>202 answer of cancel and resume.</summary>
public sealed record RunActionResponse(Guid Id, string Status);
