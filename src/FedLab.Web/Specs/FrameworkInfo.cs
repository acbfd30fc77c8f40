using FedLab.Engine.Frameworks;

namespace FedLab.Web.Specs;

/// <summary>A framework as the dashboard shows it: a view of its engine descriptor.</summary>
public sealed record FrameworkInfo(FrameworkDescriptor Descriptor)
{
    /// <summary>The spec's <c>framework</c> value ("fedllm").</summary>
    public string Kind => Descriptor.Name;

    public string JsonName => Descriptor.Name;

    public string DisplayName => Descriptor.DisplayName;

    /// <summary>The spec section of its options ("kd"), or null.</summary>
    public string? SectionName => Descriptor.OptionsSection;

    public Type? OptionsType => Descriptor.OptionsType;

    public bool IsFederated => Descriptor.IsFederated;
}
