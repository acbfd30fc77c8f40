namespace FedLab.Engine.Datasets;

/// <summary>Turns rows into a <see cref="TextDataset"/>: class names, label indices, and the split.</summary>
internal static class DatasetAssembler
{
    public static TextDataset Assemble(string name, IEnumerable<LabelledRow> source, int splitSeed, int maxRows)
    {
        var rows = new List<LabelledRow>();
        LabelledRow? first = null;
        foreach (LabelledRow row in source)
        {
            if (rows.Count == maxRows)
            {
                throw new DatasetFormatException($"file has more than {maxRows} rows") { Limit = DatasetLimit.Rows };
            }
            first ??= row;
            // Either every row names its split or none does; a mix has no sensible meaning.
            if (row.Split.HasValue != first.Value.Split.HasValue)
            {
                throw new DatasetFormatException(row.Split.HasValue
                    ? $"row has a split but line {first.Value.Line} has none (give every row a split, or none)"
                    : $"missing split (line {first.Value.Line} has one; give every row a split, or none)", row.Line);
            }
            rows.Add(row);
        }
        if (rows.Count == 0)
        {
            throw new DatasetFormatException("file is empty");
        }

        string[] classNames = ClassNames(rows, out Func<LabelledRow, string> key);
        if (classNames.Length < 2)
        {
            throw new DatasetFormatException($"dataset needs at least 2 classes, found {classNames.Length}");
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classNames.Length; c++)
        {
            index[classNames[c]] = c;
        }
        int[] labels = [.. rows.Select(r => index[key(r)])];
        DatasetSplit[] splits = first!.Value.Split.HasValue
            ? [.. rows.Select(r => r.Split!.Value)]
            : StratifiedSplit.Assign(labels, classNames.Length, splitSeed);

        var parts = new List<TextExample>[3];
        for (int s = 0; s < parts.Length; s++)
        {
            parts[s] = [];
        }
        for (int i = 0; i < rows.Count; i++)
        {
            parts[(int)splits[i]].Add(new TextExample(rows[i].Text, labels[i]));
        }
        foreach (DatasetSplit needed in (DatasetSplit[])[DatasetSplit.Train, DatasetSplit.Test])
        {
            if (parts[(int)needed].Count == 0)
            {
                throw new DatasetFormatException(first.Value.Split.HasValue
                    ? $"no rows in the '{needed.ToString().ToLowerInvariant()}' split"
                    : $"too few rows to split: the '{needed.ToString().ToLowerInvariant()}' split would be empty (a class needs at least 3 rows to give one to test)");
            }
        }
        return new TextDataset(name, classNames, parts[0], parts[1], parts[2]);
    }

    /// <summary>
    /// Distinct labels sorted: numerically when every label is an integer (then "007" and "7" are one class),
    /// otherwise by ordinal string order.
    /// </summary>
    private static string[] ClassNames(List<LabelledRow> rows, out Func<LabelledRow, string> key)
    {
        if (rows.TrueForAll(r => r.IntegerLabel.HasValue))
        {
            key = r => r.IntegerLabel!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return [.. rows.Select(r => r.IntegerLabel!.Value).Distinct().Order()
                .Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        }
        key = r => r.Label;
        return [.. rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
