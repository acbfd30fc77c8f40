using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks;

/// <summary>What a framework's rules may consult besides the spec: the named dataset's facts when they are known.</summary>
public sealed record FrameworkValidation(DatasetFacts? Dataset);
