using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// Generative datasets: a user's instruction file (<see cref="InstructionRowReader"/>) and the bundled spam question
/// ("Is this email spam? Answer yes or no." → "yes"/"no"). When the answers form a small set (2 to
/// <see cref="MaxAnswerClasses"/> distinct), each distinct answer is a class: the split is stratified by answer and
/// Dirichlet or shard partitions skew by answer, as for classification. Otherwise every example has the one class
/// "response" and only the iid partition applies.
/// </summary>
public static class InstructionDatasets
{
    /// <summary>The bundled generative task made from the spam corpus.</summary>
    public const string SpamYesNo = "spam-yesno";

    public const string SpamQuestion = "Is this email spam? Answer yes or no.";

    public const int MaxAnswerClasses = 20;

    public const string SingleClass = "response";

    public static bool IsBundled(string name) => string.Equals(name, SpamYesNo, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The spam corpus as a question: the same examples and the same train/test/public split as the classification
    /// dataset "spam"; the user message is the question, a blank line and the e-mail; the answer "yes" or "no".
    /// </summary>
    public static TextDataset FromSpam(TextDataset spam)
    {
        int spamClass = IndexOf(spam.ClassNames, "spam");
        int hamClass = IndexOf(spam.ClassNames, "ham");
        // Classes are the answers in ordinal order ("no", "yes"), as a user's file with these answers would get.
        string[] answers = ["no", "yes"];
        TextExample Convert(TextExample e)
        {
            string answer = e.Label == spamClass ? "yes" : e.Label == hamClass ? "no" : throw new InvalidDataException($"spam example with unknown class {e.Label}");
            return new TextExample(e.Text, answer == "yes" ? 1 : 0)
            {
                Messages = [new ChatMessage(ChatMessage.User, $"{SpamQuestion}\n\n{e.Text}"), new ChatMessage(ChatMessage.Assistant, answer)],
            };
        }
        return new TextDataset(SpamYesNo, answers, spam.Train.Select(Convert), spam.Test.Select(Convert), spam.Public.Select(Convert), generative: true);
    }

    /// <summary>Whether a .jsonl file's first row is instruction data (has "instruction" or "messages"), not text and label.</summary>
    public static bool LooksLikeInstructions(string path, bool gzip)
    {
        using var reader = UserDatasetLoader.OpenText(path, gzip);
        string? line;
        while ((line = reader.ReadLine()) is not null && string.IsNullOrWhiteSpace(line))
        {
        }
        if (line is null)
        {
            return false;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line.TrimStart('\uFEFF'));
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && (doc.RootElement.TryGetProperty("instruction", out _) || doc.RootElement.TryGetProperty("messages", out _));
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a user's .jsonl (or .jsonl.gz) instruction file within <paramref name="limits"/>.</summary>
    public static TextDataset Load(string path, DatasetReadLimits limits, int splitSeed = UserDatasetLoader.DefaultSplitSeed)
    {
        var (format, gzip) = UserDatasetLoader.FormatOf(path);
        if (format != UserFileFormat.JsonLines)
        {
            throw new DatasetFormatException("a generative task reads a .jsonl file of instruction/input/output or messages rows, not a CSV file");
        }
        using var reader = UserDatasetLoader.OpenText(path, gzip, limits.MaxBytes);
        string name = Path.GetFileName(path);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return Load(reader, dot > 0 ? name[..dot] : name, splitSeed, limits);
    }

    public static TextDataset Load(TextReader reader, string name, int splitSeed, DatasetReadLimits limits)
    {
        var rows = new List<InstructionRow>();
        try
        {
            foreach (var row in new InstructionRowReader(reader, limits.MaxLineChars).Rows())
            {
                if (rows.Count == limits.MaxRows)
                {
                    throw new DatasetFormatException($"file has more than {limits.MaxRows} rows") { Limit = DatasetLimit.Rows };
                }
                if (rows.Count > 0 && row.Split.HasValue != rows[0].Split.HasValue)
                {
                    throw new DatasetFormatException(row.Split.HasValue
                        ? $"row has a split but line {rows[0].Line} has none (give every row a split, or none)"
                        : $"missing split (line {rows[0].Line} has one; give every row a split, or none)", row.Line);
                }
                rows.Add(row);
            }
        }
        catch (InvalidDataException)
        {
            throw new DatasetFormatException("the file is not valid gzip data");
        }
        return Assemble(name, rows, splitSeed);
    }

    private static TextDataset Assemble(string name, List<InstructionRow> rows, int splitSeed)
    {
        var distinct = rows.Select(r => r.Answer.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        string[] classes = distinct.Length is >= 2 and <= MaxAnswerClasses ? distinct : [SingleClass];
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        int[] labels = [.. rows.Select(r => classes.Length == 1 ? 0 : index[r.Answer.Trim()])];
        DatasetSplit[] splits = rows[0].Split.HasValue
            ? [.. rows.Select(r => r.Split!.Value)]
            : StratifiedSplit.Assign(labels, classes.Length, splitSeed);
        var parts = new[] { new List<TextExample>(), new List<TextExample>(), new List<TextExample>() };
        for (int i = 0; i < rows.Count; i++)
        {
            var user = rows[i].Messages.Last(m => m.Role == ChatMessage.User).Content;
            parts[(int)splits[i]].Add(new TextExample(user, labels[i]) { Messages = rows[i].Messages });
        }
        foreach (var needed in (DatasetSplit[])[DatasetSplit.Train, DatasetSplit.Test])
        {
            if (parts[(int)needed].Count == 0)
            {
                throw new DatasetFormatException(rows[0].Split.HasValue
                    ? $"no rows in the '{needed.ToString().ToLowerInvariant()}' split"
                    : $"too few rows to split: the '{needed.ToString().ToLowerInvariant()}' split would be empty");
            }
        }
        return new TextDataset(name, classes, parts[0], parts[1], parts[2], generative: true);
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (int i = 0; i < classes.Count; i++)
        {
            if (string.Equals(classes[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        throw new InvalidDataException($"the spam dataset has no class '{name}' (classes: {string.Join(", ", classes)})");
    }
}
