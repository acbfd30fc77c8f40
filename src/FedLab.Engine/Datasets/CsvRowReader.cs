using System.Text;

namespace FedLab.Engine.Datasets;

/// <summary>
/// RFC 4180 CSV: fields optionally in double quotes, quoted fields may hold the delimiter, doubled quotes and line
/// breaks. The delimiter is the one of ',', ';' and tab that occurs most often outside quotes in the header line (a
/// comma on a tie or when none occurs), so spreadsheet exports with semicolons and .tsv files read as they are. Needs a
/// header row with <c>text</c> and <c>label</c> (any case, any order, extra columns ignored) and optionally
/// <c>split</c>. Blank lines are skipped.
/// </summary>
internal sealed class CsvRowReader
{
    private const int NoPeek = -2;
    private readonly TextReader _reader;
    private readonly int _maxFieldChars;
    private int _line = 1;
    private int _peeked = NoPeek;
    private int _maxFields = DatasetReadLimits.MaxColumns;
    private bool _headerRead;
    private int _columns;
    private char _delimiter = ',';
    private string _replay = "";
    private int _replayAt;

    /// <param name="maxFieldChars">Longest field; a longer one stops the read (<see cref="DatasetLimit.FieldChars"/>).</param>
    public CsvRowReader(TextReader reader, int maxFieldChars = int.MaxValue)
    {
        _reader = reader;
        _maxFieldChars = maxFieldChars;
    }

    public IEnumerable<LabelledRow> Rows()
    {
        if (PeekRaw() == '\uFEFF')
        {
            ReadRaw(); // a BOM the caller's reader did not strip
        }
        _delimiter = DetectDelimiter();
        var header = NextNonBlank() ?? throw new DatasetFormatException("file is empty");
        int columns = header.Fields.Count;
        _headerRead = true;
        _columns = columns;
        // A record with more fields than this is refused before it is read to its end (its count is then not exact).
        _maxFields = Math.Max(columns, DatasetReadLimits.MaxColumns);
        int text = Column(header, "text", required: true);
        int label = Column(header, "label", required: true);
        int split = Column(header, "split", required: false);

        bool any = false;
        while (NextNonBlank() is { } record)
        {
            any = true;
            if (record.Fields.Count != columns)
            {
                throw new DatasetFormatException($"expected {columns} columns, found {record.Fields.Count}", record.Line);
            }
            string labelText = RowValues.Label(record.Fields[label], record.Line);
            yield return new LabelledRow(
                record.Line,
                RowValues.Text(record.Fields[text], record.Line),
                labelText,
                RowValues.Integer(labelText),
                split < 0 ? null : RowValues.Split(record.Fields[split], record.Line));
        }
        if (!any)
        {
            throw new DatasetFormatException("file has a header but no rows");
        }
    }

    private static int Column(CsvRecord header, string name, bool required)
    {
        int found = -1;
        for (int i = 0; i < header.Fields.Count; i++)
        {
            if (!string.Equals(header.Fields[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (found >= 0)
            {
                throw new DatasetFormatException($"duplicate column '{name}' in the header", header.Line);
            }
            found = i;
        }
        if (found < 0 && required)
        {
            throw new DatasetFormatException($"missing column '{name}' in the header (found: {string.Join(", ", header.Fields)})", header.Line);
        }
        return found;
    }

    private CsvRecord? NextNonBlank()
    {
        while (NextRecord() is { } record)
        {
            if (!record.Blank)
            {
                return record;
            }
        }
        return null;
    }

    private CsvRecord? NextRecord()
    {
        int startLine = _line;
        int c = Read();
        if (c == -1)
        {
            return null;
        }
        if (c == '\n')
        {
            return new CsvRecord(startLine, [], Blank: true);
        }
        var fields = new List<string>();
        var field = new StringBuilder();
        while (true)
        {
            if (c == '"')
            {
                while (true)
                {
                    c = Read();
                    if (c == -1)
                    {
                        throw new DatasetFormatException("unterminated quoted field", startLine);
                    }
                    if (c == '"')
                    {
                        if (PeekRaw() != '"')
                        {
                            break;
                        }
                        ReadRaw(); // "" inside quotes is one quote
                    }
                    Append(field, c, startLine);
                }
                c = Read();
                if (c != _delimiter && c != '\n' && c != -1)
                {
                    throw new DatasetFormatException($"unexpected character '{(char)c}' after a closing quote", _line);
                }
            }
            else
            {
                while (c != _delimiter && c != '\n' && c != -1)
                {
                    if (c == '"')
                    {
                        throw new DatasetFormatException("quote inside an unquoted field (quote the whole field and double the inner quotes)", _line);
                    }
                    Append(field, c, startLine);
                    c = Read();
                }
            }
            fields.Add(field.ToString());
            field.Clear();
            if (fields.Count > _maxFields)
            {
                throw new DatasetFormatException(_headerRead
                    ? $"expected {_columns} columns, found more than {_maxFields}"
                    : $"the header has more than {DatasetReadLimits.MaxColumns} columns", startLine);
            }
            if (c != _delimiter)
            {
                return new CsvRecord(startLine, fields, Blank: false);
            }
            c = Read();
        }
    }

    private void Append(StringBuilder field, int c, int line)
    {
        if (field.Length >= _maxFieldChars)
        {
            throw new DatasetFormatException($"a field is longer than {_maxFieldChars} characters", line) { Limit = DatasetLimit.FieldChars };
        }
        field.Append((char)c);
    }

    /// <summary>Next character with CRLF and lone CR folded into '\n'; counts lines.</summary>
    private int Read()
    {
        int c = ReadRaw();
        if (c == '\r')
        {
            if (PeekRaw() == '\n')
            {
                ReadRaw();
            }
            c = '\n';
        }
        if (c == '\n')
        {
            _line++;
        }
        return c;
    }

    /// <summary>
    /// Reads ahead to the end of the first non-blank line (quotes respected), counts the candidate delimiters outside
    /// quotes, and leaves what it read to be read again (<see cref="ReadRaw"/> replays it first).
    /// </summary>
    private char DetectDelimiter()
    {
        const int MaxLookahead = 1 << 20;
        var seen = new StringBuilder();
        int commas = 0, semicolons = 0, tabs = 0;
        bool quoted = false, content = false;
        while (seen.Length < MaxLookahead)
        {
            int c = ReadRaw();
            if (c == -1)
            {
                break;
            }
            seen.Append((char)c);
            if (c == '"')
            {
                quoted = !quoted; // a doubled quote toggles twice
            }
            else if (!quoted && c is '\n' or '\r')
            {
                if (content)
                {
                    break;
                }
            }
            else if (!quoted)
            {
                content = true;
                commas += c == ',' ? 1 : 0;
                semicolons += c == ';' ? 1 : 0;
                tabs += c == '\t' ? 1 : 0;
            }
        }
        _replay = seen.ToString();
        _replayAt = 0;
        return tabs > commas && tabs >= semicolons ? '\t' : semicolons > commas ? ';' : ',';
    }

    private int ReadRaw()
    {
        if (_replayAt < _replay.Length)
        {
            if (_peeked != NoPeek)
            {
                int p = _peeked;
                _peeked = NoPeek;
                return p;
            }
            return _replay[_replayAt++];
        }
        if (_peeked != NoPeek)
        {
            int p = _peeked;
            _peeked = NoPeek;
            return p;
        }
        return _reader.Read();
    }

    private int PeekRaw()
    {
        if (_peeked == NoPeek)
        {
            _peeked = _replayAt < _replay.Length ? _replay[_replayAt++] : _reader.Read();
        }
        return _peeked;
    }

    private sealed record CsvRecord(int Line, List<string> Fields, bool Blank);
}
