using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks;

/// <summary>
/// Everything the rest of FedLab knows about one framework: its JSON name, display name, options section and rules,
/// factory, and the words lists and charts use for it. One subclass per framework, inside its folder
/// (<c>Frameworks/X/XFramework.cs</c>), registered in <see cref="FrameworkRegistry"/>; the executor, validator, web
/// catalog and form, compare report, CLI and pages read descriptors and switch over no framework names.
/// </summary>
public abstract class FrameworkDescriptor
{
    /// <summary>The value of the spec's <c>framework</c> field ("fedllm").</summary>
    public abstract string Name { get; }

    /// <summary>What people read ("FedLLM").</summary>
    public abstract string DisplayName { get; }

    /// <summary>The spec section holding this framework's options ("kd"), or null when it has none.</summary>
    public virtual string? OptionsSection => null;

    /// <summary>The record the options section deserialises to (strictly, like the rest of the spec).</summary>
    public virtual Type? OptionsType => null;

    /// <summary>False for the centralized reference: one party, nothing travels.</summary>
    public virtual bool IsFederated => true;

    /// <summary>
    /// True when clients keep their own models (KD): the run then reports the mean and spread of the clients' own
    /// models' accuracy beside (or instead of) a global model's.
    /// </summary>
    public virtual bool ClientsKeepOwnModels => false;

    /// <summary>What model produced the headline accuracy series of a run with this spec (honest labels).</summary>
    public virtual string AccuracySource(RunSpec spec) => "global model";

    /// <summary>The short variant text lists and compare tables show beside the framework ("FedAdam + FedProx").</summary>
    public virtual string Variant(RunSpec spec) => "";

    /// <summary>This framework's options rules; <see cref="RunSpecValidator"/> calls them only for specs that name it.</summary>
    public virtual IEnumerable<SpecError> Validate(RunSpec spec, FrameworkValidation context) => [];

    /// <summary>Creates the framework for one run, on the run's thread.</summary>
    public abstract IFederatedAlgorithm Create(FrameworkContext context);

    public override string ToString() => Name;
}
