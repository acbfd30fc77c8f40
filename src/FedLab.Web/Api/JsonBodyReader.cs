using FedLab.Engine.Runs;

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
            // The CLI decodes spec files with the same rules.
            return (RunSpecJson.DecodeUtf8(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), null);
        }
        catch (RunSpecException ex)
        {
            return (null, ApiErrors.BadRequest(ApiErrors.One("$", ex.Errors[0].Message)));
        }
    }

    private static IResult TooLarge(int maxBytes) =>
        ApiErrors.Status(StatusCodes.Status413PayloadTooLarge, "$", $"the body is larger than the limit of {maxBytes:N0} bytes (FedLab:MaxSpecBytes)");
}
