namespace FedLab.Web.Api;

/// <summary>One problem: the field (a spec's JSON path such as "partition.clients", or a parameter name) and a plain message.</summary>
public sealed record ApiError(string Field, string Message);
