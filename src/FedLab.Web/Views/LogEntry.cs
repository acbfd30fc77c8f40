namespace FedLab.Web.Views;

/// <summary>A line of the run page's event log.</summary>
public sealed record LogEntry(DateTimeOffset At, string Text, bool Problem = false);
