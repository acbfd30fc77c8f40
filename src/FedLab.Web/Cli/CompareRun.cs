using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>One run of a comparison: its label in the table and its full, validated spec.</summary>
internal sealed record CompareRun(string Label, RunSpec Spec);
