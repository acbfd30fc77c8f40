using System.Text;
using System.Text.Json;

namespace FedLab.Engine.Datasets;

/// <summary>
/// One JSON object per line: <c>{"text": string, "label": string or integer, "split": optional string}</c>.
/// Blank lines are skipped; other properties are ignored.
/// </summary>
internal sealed class JsonLinesRowReader
{
    private readonly TextReader _reader;
    private readonly int _maxLineChars;

    /// <param name="maxLineChars">Longest line; a longer one stops the read (<see cref="DatasetLimit.FieldChars"/>).</param>
    public JsonLinesRowReader(TextReader reader, int maxLineChars = int.MaxValue)
    {
        _reader = reader;
        _maxLineChars = maxLineChars;
    }

    public IEnumerable<LabelledRow> Rows()
    {
        int line = 0;
        bool any = false;
        var buffer = new StringBuilder();
        while (ReadLine(buffer, line + 1) is { } raw)
        {
            line++;
            string content = line == 1 ? raw.TrimStart('\uFEFF') : raw;
            if (string.IsNullOrWhiteSpace(content))
            {
                continue;
            }
            any = true;
            yield return Parse(content, line);
        }
        if (!any)
        {
            throw new DatasetFormatException("file is empty");
        }
    }

    /// <summary>Like <see cref="TextReader.ReadLine"/> (\n, \r\n or \r ends a line), but never longer than the limit.</summary>
    private string? ReadLine(StringBuilder buffer, int line)
    {
        buffer.Clear();
        int c = _reader.Read();
        if (c == -1)
        {
            return null;
        }
        while (c != -1 && c != '\n')
        {
            if (c == '\r')
            {
                if (_reader.Peek() == '\n')
                {
                    _reader.Read();
                }
                break;
            }
            if (buffer.Length >= _maxLineChars)
            {
                throw new DatasetFormatException($"the line is longer than {_maxLineChars} characters", line) { Limit = DatasetLimit.FieldChars };
            }
            buffer.Append((char)c);
            c = _reader.Read();
        }
        return buffer.ToString();
    }

    private static LabelledRow Parse(string content, int line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content);
        }
        catch (JsonException ex)
        {
            throw new DatasetFormatException($"invalid JSON ({FirstSentence(ex.Message)})", line);
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFormatException($"expected a JSON object, found {Describe(root.ValueKind)}", line);
            }
            string text = RowValues.Text(String(root, "text", line), line);
            var (label, integer) = Label(root, line);
            DatasetSplit? split = root.TryGetProperty("split", out JsonElement s) && s.ValueKind != JsonValueKind.Null
                ? RowValues.Split(s.ValueKind == JsonValueKind.String
                    ? s.GetString()
                    : throw new DatasetFormatException($"field 'split' must be a string, found {Describe(s.ValueKind)}", line), line)
                : null;
            return new LabelledRow(line, text, label, integer, split);
        }
    }

    private static string String(JsonElement root, string name, int line)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new DatasetFormatException($"missing field '{name}'", line);
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new DatasetFormatException($"field '{name}' must be a string, found {Describe(value.ValueKind)}", line);
    }

    private static (string Label, long? Integer) Label(JsonElement root, int line)
    {
        if (!root.TryGetProperty("label", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new DatasetFormatException("missing field 'label'", line);
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number))
        {
            return (number.ToString(System.Globalization.CultureInfo.InvariantCulture), number);
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            string label = RowValues.Label(value.GetString(), line);
            return (label, RowValues.Integer(label));
        }
        string found = value.ValueKind == JsonValueKind.Number ? $"the number {value.GetRawText()}" : Describe(value.ValueKind);
        throw new DatasetFormatException($"field 'label' must be a string or an integer, found {found}", line);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    // System.Text.Json appends "LineNumber: 0 | BytePositionInLine: n." which would contradict our line number.
    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
