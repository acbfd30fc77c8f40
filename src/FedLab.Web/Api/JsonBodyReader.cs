using System.Text;

namespace FedLab.Web.Api;

/// <summary>
/// Reads a JSON request body as text, for the strict spec parser (ASP.NET's lenient web JSON defaults never
/// see a spec). Refuses other content types (which also keeps cross-site form posts out) and bodies over the
/// size limit, with a message saying so.
/// </summary>
public static class JsonBodyReader
{
    public static async Task<(string? Json, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        var type = request.ContentType ?? "";
        var media = type.Split(';', 2)[0].Trim();
        if (!media.Equals("application/json", StringComparison.OrdinalIgnoreCase) && !media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiErrors.Status(StatusCodes.Status415UnsupportedMediaType, "$",
                $"send the spec as JSON with Content-Type: application/json (got '{(type.Length == 0 ? "none" : type)}')"));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            return (text.TrimStart('\uFEFF'), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiErrors.BadRequest(ApiErrors.One("$", "the body is not valid UTF-8")));
        }
    }

    private static IResult TooLarge(int maxBytes) =>
        ApiErrors.Status(StatusCodes.Status413PayloadTooLarge, "$", $"the body is larger than the limit of {maxBytes:N0} bytes (FedLab:MaxSpecBytes)");
}
