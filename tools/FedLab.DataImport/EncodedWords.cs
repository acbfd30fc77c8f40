using System.Text;
using System.Text.RegularExpressions;

namespace FedLab.DataImport;

/// <summary>RFC 2047 encoded words in headers, e.g. <c>=?iso-8859-1?Q?caf=E9?=</c>.</summary>
internal static partial class EncodedWords
{
    public static string Decode(string header)
    {
        // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
        string joined = AdjacentWords().Replace(header, "$1$2");
        return EncodedWord().Replace(joined, match =>
        {
            string charset = match.Groups["charset"].Value;
            string payload = match.Groups["text"].Value;
            bool base64 = match.Groups["enc"].Value.Equals("B", StringComparison.OrdinalIgnoreCase);
            try
            {
                byte[] bytes = base64
                    ? Convert.FromBase64String(payload.PadRight((payload.Length + 3) / 4 * 4, '='))
                    : TransferDecoding.QuotedPrintableBytes(payload.Replace('_', ' '));
                return TransferDecoding.DecodeBytes(bytes, charset);
            }
            catch (FormatException)
            {
                return match.Value;
            }
        });
    }

    [GeneratedRegex(@"(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)")]
    private static partial Regex AdjacentWords();

    [GeneratedRegex(@"=\?(?<charset>[^?\s*]+)(\*[^?\s]*)?\?(?<enc>[BbQq])\?(?<text>[^?\s]*)\?=")]
    private static partial Regex EncodedWord();
}
