using System.Text;
using System.Text.Json;
using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// Instruction data, one JSON object per line, in either form (a file may mix them):
/// Alpaca <c>{"instruction": string, "input": optional string, "output": string}</c>, or chat
/// <c>{"messages": [{"role": "system"|"user"|"assistant", "content": string}, ...]}</c> whose last message is the
/// assistant's answer. Both may carry <c>"split": "train"|"test"|"public"</c>. Blank lines are skipped, other properties
/// ignored; anything else is a <see cref="DatasetFormatException"/> naming the line, as for classification files.
/// </summary>
internal sealed class InstructionRowReader(TextReader reader, int maxLineChars = int.MaxValue)
{
    /// <summary>Alpaca rows become a user message (the instruction, then a blank line and the input when there is one) and the answer.</summary>
    public IEnumerable<InstructionRow> Rows()
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

    private string? ReadLine(StringBuilder buffer, int line)
    {
        buffer.Clear();
        int c = reader.Read();
        if (c == -1)
        {
            return null;
        }
        while (c != -1 && c != '\n')
        {
            if (c == '\r')
            {
                if (reader.Peek() == '\n')
                {
                    reader.Read();
                }
                break;
            }
            if (buffer.Length >= maxLineChars)
            {
                throw new DatasetFormatException($"the line is longer than {maxLineChars} characters", line) { Limit = DatasetLimit.FieldChars };
            }
            buffer.Append((char)c);
            c = reader.Read();
        }
        return buffer.ToString();
    }

    private static InstructionRow Parse(string content, int line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content);
        }
        catch (JsonException ex)
        {
            int cut = ex.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new DatasetFormatException($"invalid JSON ({(cut > 0 ? ex.Message[..cut] : ex.Message).TrimEnd('.', ' ')})", line);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFormatException($"expected a JSON object, found {Describe(root.ValueKind)}", line);
            }
            bool chat = root.TryGetProperty("messages", out var messages) && messages.ValueKind != JsonValueKind.Null;
            bool alpaca = root.TryGetProperty("instruction", out var instruction) && instruction.ValueKind != JsonValueKind.Null;
            if (chat && alpaca)
            {
                throw new DatasetFormatException("has both 'messages' and 'instruction'; give one form per line", line);
            }
            IReadOnlyList<ChatMessage> conversation = chat ? Chat(messages, line)
                : alpaca ? Alpaca(root, line)
                : throw new DatasetFormatException("missing field 'instruction' (Alpaca: instruction, input, output) or 'messages' (chat: role and content)", line);
            DatasetSplit? split = root.TryGetProperty("split", out var s) && s.ValueKind != JsonValueKind.Null
                ? RowValues.Split(s.ValueKind == JsonValueKind.String
                    ? s.GetString()
                    : throw new DatasetFormatException($"field 'split' must be a string, found {Describe(s.ValueKind)}", line), line)
                : null;
            return new InstructionRow(line, conversation, split);
        }
    }

    private static List<ChatMessage> Alpaca(JsonElement root, int line)
    {
        string instruction = NonEmpty(String(root, "instruction", line, required: true)!, "instruction", line);
        string? input = String(root, "input", line, required: false);
        string output = NonEmpty(String(root, "output", line, required: true)!, "output", line);
        string user = string.IsNullOrWhiteSpace(input) ? instruction : $"{instruction}\n\n{input}";
        return [new ChatMessage(ChatMessage.User, user), new ChatMessage(ChatMessage.Assistant, output)];
    }

    private static List<ChatMessage> Chat(JsonElement messages, int line)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw new DatasetFormatException($"field 'messages' must be an array, found {Describe(messages.ValueKind)}", line);
        }
        var result = new List<ChatMessage>();
        int index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string at = $"messages[{index}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFormatException($"{at} must be an object with role and content, found {Describe(message.ValueKind)}", line);
            }
            string role = String(message, "role", line, required: true, at)!;
            if (role is not (ChatMessage.System or ChatMessage.User or ChatMessage.Assistant))
            {
                throw new DatasetFormatException($"{at}.role must be system, user or assistant, got '{Shown(role)}'", line);
            }
            if (role == ChatMessage.System && index != 0)
            {
                throw new DatasetFormatException($"{at}: a system message may only come first", line);
            }
            string content = String(message, "content", line, required: true, at)!;
            if (role == ChatMessage.Assistant)
            {
                NonEmpty(content, $"{at}.content", line);
            }
            result.Add(new ChatMessage(role, content));
            index++;
        }
        if (result.Count == 0)
        {
            throw new DatasetFormatException("field 'messages' is empty", line);
        }
        if (result[^1].Role != ChatMessage.Assistant)
        {
            throw new DatasetFormatException($"the last message must be the assistant's answer, found role '{result[^1].Role}'", line);
        }
        if (!result.Any(m => m.Role == ChatMessage.User))
        {
            throw new DatasetFormatException("the conversation has no user message", line);
        }
        return result;
    }

    private static string? String(JsonElement root, string name, int line, bool required, string? parent = null)
    {
        string field = parent is null ? $"'{name}'" : $"{parent}.{name}";
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new DatasetFormatException($"missing field {field}", line) : null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new DatasetFormatException($"field {field} must be a string, found {Describe(value.ValueKind)}", line);
    }

    private static string NonEmpty(string value, string field, int line) =>
        string.IsNullOrWhiteSpace(value) ? throw new DatasetFormatException($"field '{field.Trim('\'')}' is empty", line) : value;

    private static string Shown(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
