namespace FedLab.Engine.Datasets;

/// <summary>One labelled text; <paramref name="Label"/> indexes <see cref="TextDataset.ClassNames"/>.</summary>
public sealed record TextExample(string Text, int Label);
