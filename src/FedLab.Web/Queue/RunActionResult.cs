namespace FedLab.Web.Queue;

/// <summary>The outcome of cancel, resume or delete: done, or why not (not found / not allowed now).</summary>
public sealed record RunActionResult(bool Ok, bool NotFound, string? Problem)
{
    public static RunActionResult Done { get; } = new(true, false, null);
    public static RunActionResult Missing(Guid runId) => new(false, true, $"there is no run {runId}");
    public static RunActionResult Refused(string problem) => new(false, false, problem);
}
