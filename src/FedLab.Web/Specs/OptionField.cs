namespace FedLab.Web.Specs;

/// <summary>A field of a framework's options section, as the form edits it.</summary>
public sealed record OptionField(string Path, string Label, OptionFieldType Type, bool Optional, IReadOnlyList<string> Choices, string? Help);
