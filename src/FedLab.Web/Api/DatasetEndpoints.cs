using FedLab.Web.Datasets;

namespace FedLab.Web.Api;

/// <summary>
/// POST /api/datasets: upload a CSV or JSONL file (multipart/form-data, field "file"); answers the
/// dataset.name to put in a spec. Size and row limits answer 413/400 with the limit in the message.
/// </summary>
public static class DatasetEndpoints
{
    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/datasets", async (HttpRequest request, DatasetUploads uploads, CancellationToken ct) =>
        {
            // A little room over the file limit for the multipart envelope.
            if (request.ContentLength > uploads.MaxBytes + 64 * 1024)
            {
                return ApiErrors.Status(StatusCodes.Status413PayloadTooLarge, "file",
                    $"the upload is {request.ContentLength / 1e6:F1} MB; the limit is {uploads.MaxBytes / 1e6:F1} MB (FedLab:MaxUploadBytes)");
            }
            if (!request.HasFormContentType)
            {
                return ApiErrors.Status(StatusCodes.Status415UnsupportedMediaType, "file", "send the file as multipart/form-data in a field named 'file'");
            }
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(ct);
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
            {
                return ApiErrors.Status(StatusCodes.Status413PayloadTooLarge, "file",
                    $"the upload could not be read within the limit of {uploads.MaxBytes / 1e6:F1} MB (FedLab:MaxUploadBytes)");
            }
            var file = form.Files.GetFile("file");
            if (file is null)
            {
                return ApiErrors.BadRequest(ApiErrors.One("file", "no file: send it in a multipart field named 'file'"));
            }
            await using var stream = file.OpenReadStream();
            var result = await uploads.SaveAsync(file.FileName, stream, file.Length, ct);
            if (result.Dataset is null)
            {
                return ApiErrors.Status(result.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, "file", result.Problem!);
            }
            return Results.Created((string?)null, result.Dataset);
        })
        .WithTags("datasets")
        .WithSummary("Upload a labelled CSV or JSONL dataset (multipart field 'file'); use the returned name as dataset.name")
        .DisableAntiforgery() // a tool's upload; the cross-site guard keeps other sites' pages out
        .Produces<UploadedDataset>(StatusCodes.Status201Created)
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest)
        .Produces<ApiErrors>(StatusCodes.Status413PayloadTooLarge);
        return app;
    }
}
