namespace FedLab.Engine.Datasets;

/// <summary>One row read from a dataset file, before class names are known.</summary>
/// <param name="IntegerLabel">The label's value when it is an integer (JSON number or an integer-looking CSV field).</param>
internal readonly record struct LabelledRow(int Line, string Text, string Label, long? IntegerLabel, DatasetSplit? Split);
