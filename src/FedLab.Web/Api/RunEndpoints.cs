using FedLab.Data;
using FedLab.Web.Queue;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Api;

/// <summary>
/// The REST API over runs (OpenAPI at /openapi/v1.json). Specs are read as text and parsed by the engine's
/// strict parser; an invalid spec answers 400 with every field-level problem and creates nothing.
/// </summary>
public static class RunEndpoints
{
    public const int MaxExportRuns = 200;

    public static RouteGroupBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/runs").WithTags("runs");

        runs.MapPost("/validate", async (HttpRequest request, RunSpecChecker checker, IOptions<FedLabSettings> settings, CancellationToken ct) =>
        {
            var (json, problem) = await JsonBodyReader.ReadAsync(request, settings.Value.MaxSpecBytes, ct);
            if (problem is not null)
            {
                return problem;
            }
            var (_, errors) = checker.Check(json!);
            return errors.Count == 0 ? Results.Ok(new ApiErrors([])) : ApiErrors.BadRequest(ApiErrors.From(errors));
        })
        .WithSummary("Validate a run spec without creating anything")
        .WithMetadata(new JsonBodyMetadata(typeof(Engine.Runs.RunSpec)))
        .Produces<ApiErrors>(StatusCodes.Status200OK)
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest);

        runs.MapPost("/", async (HttpRequest request, RunSpecChecker checker, RunQueue queue, IOptions<FedLabSettings> settings, CancellationToken ct) =>
        {
            var (json, problem) = await JsonBodyReader.ReadAsync(request, settings.Value.MaxSpecBytes, ct);
            if (problem is not null)
            {
                return problem;
            }
            var (spec, errors) = checker.Check(json!);
            if (errors.Count > 0 || spec is null)
            {
                return ApiErrors.BadRequest(ApiErrors.From(errors));
            }
            try
            {
                var id = await queue.EnqueueAsync(spec, null, ct);
                return Results.Created($"/api/runs/{id}", new CreatedRun(id, "queued"));
            }
            catch (QueueFullException ex)
            {
                return ApiErrors.Status(StatusCodes.Status503ServiceUnavailable, "$", ex.Message);
            }
        })
        .WithSummary("Create a run from a spec and queue it")
        .WithMetadata(new JsonBodyMetadata(typeof(Engine.Runs.RunSpec)))
        .Produces<CreatedRun>(StatusCodes.Status201Created)
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest);

        runs.MapGet("/", async (HttpRequest request, RunStore store, CancellationToken ct) =>
        {
            var (query, errors) = RunListQueryParser.Parse(request.Query);
            return query is null ? ApiErrors.BadRequest(new ApiErrors(errors)) : Results.Ok(await store.ListRunsAsync(query, ct));
        })
        .WithSummary("List runs: page, pageSize, framework, model, dataset, status, experiment, text, sort, desc")
        .Produces<RunPage>()
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest);

        // clientRounds is read by hand: a bound bool? answers a bad value with an empty 400.
        runs.MapGet("/{id:guid}", async (Guid id, HttpRequest request, RunStore store, RunQueue queue, CancellationToken ct) =>
        {
            var (clientRounds, error) = RunListQueryParser.Bool(request.Query, "clientRounds");
            if (error is not null)
            {
                return ApiErrors.BadRequest(new ApiErrors([error]));
            }
            var detail = await store.GetRunAsync(id, ct);
            return detail is null
                ? NotFound(id)
                : Results.Ok(RunDetailResponse.From(detail, clientRounds ?? true, queue.IsWaiting(id), queue.IsRunning(id)));
        })
        .WithSummary("One run: summary, spec, facts, partition, rounds and (unless clientRounds=false) client rounds")
        .Produces<RunDetailResponse>()
        .Produces<ApiErrors>(StatusCodes.Status404NotFound);

        runs.MapPost("/{id:guid}/cancel", async (Guid id, RunQueue queue, CancellationToken ct) =>
            Outcome(id, await queue.CancelAsync(id, ct), "cancelling"))
        .WithSummary("Cancel a queued or running run (a running one stops after the current batch)")
        .Produces<RunActionResponse>(StatusCodes.Status202Accepted)
        .Produces<ApiErrors>(StatusCodes.Status404NotFound)
        .Produces<ApiErrors>(StatusCodes.Status409Conflict);

        runs.MapPost("/{id:guid}/resume", async (Guid id, RunQueue queue, CancellationToken ct) =>
        {
            try
            {
                return Outcome(id, await queue.ResumeAsync(id, ct), "queued");
            }
            catch (QueueFullException ex)
            {
                return ApiErrors.Status(StatusCodes.Status503ServiceUnavailable, "$", ex.Message);
            }
        })
        .WithSummary("Queue an interrupted, cancelled or failed run again; it continues after its last recorded round")
        .Produces<RunActionResponse>(StatusCodes.Status202Accepted)
        .Produces<ApiErrors>(StatusCodes.Status404NotFound)
        .Produces<ApiErrors>(StatusCodes.Status409Conflict);

        runs.MapDelete("/{id:guid}", async (Guid id, RunQueue queue, CancellationToken ct) =>
        {
            var result = await queue.DeleteAsync(id, ct);
            return result.Ok ? Results.NoContent() : Outcome(id, result, "deleted");
        })
        .WithSummary("Delete a run that is not queued or running, with its rounds and checkpoints")
        .Produces(StatusCodes.Status204NoContent)
        .Produces<ApiErrors>(StatusCodes.Status404NotFound)
        .Produces<ApiErrors>(StatusCodes.Status409Conflict);

        runs.MapGet("/{id:guid}/model", async (Guid id, HttpRequest request, RunStore store, CancellationToken ct) =>
        {
            int? client = null;
            if (request.Query.TryGetValue("client", out var clientText))
            {
                if (!int.TryParse(clientText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k))
                {
                    return ApiErrors.BadRequest(ApiErrors.One("client", $"must be a client number (0, 1, ...), got '{clientText}'"));
                }
                client = k;
            }
            int? round = null;
            if (request.Query.TryGetValue("round", out var roundText) && roundText != "last")
            {
                if (roundText == "best")
                {
                    round = (await store.GetRunSummaryAsync(id, ct))?.BestRound;
                }
                else if (int.TryParse(roundText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int r))
                {
                    round = r;
                }
                else
                {
                    return ApiErrors.BadRequest(ApiErrors.One("round", $"must be last, best or a round number, got '{roundText}'"));
                }
            }
            var folder = Directory.CreateTempSubdirectory("fedlab-export-");
            try
            {
                var (_, exported) = await Data.Export.RunModelExport.WriteAsync(store, id, folder.FullName, client, ct, round);
                var zip = new MemoryStream();
                System.IO.Compression.ZipFile.CreateFromDirectory(folder.FullName, zip);
                zip.Position = 0;
                return Results.File(zip, "application/zip", $"fedlab-{id:N}-round{exported}{(client is int c ? $"-client{c}" : "")}.zip");
            }
            catch (KeyNotFoundException)
            {
                return NotFound(id);
            }
            catch (Engine.Export.ModelExportException ex)
            {
                return ApiErrors.Status(StatusCodes.Status409Conflict, client is not null ? "client" : round is not null ? "round" : "id", ex.Message);
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        })
        .WithSummary("The run's trained model as a zip: a PEFT adapter (LoRA) or a Hugging Face model (full), with the classification head; round=last|best|k (a kept round), client=k for one client's own model")
        .Produces(StatusCodes.Status200OK, contentType: "application/zip")
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest)
        .Produces<ApiErrors>(StatusCodes.Status404NotFound)
        .Produces<ApiErrors>(StatusCodes.Status409Conflict);

        runs.MapGet("/export", async (HttpRequest request, string? format, RunStore store, CancellationToken ct) =>
        {
            var (ids, errors) = RunListQueryParser.ParseIds(request.Query, MaxExportRuns);
            var kind = (format ?? "csv").ToLowerInvariant();
            if (kind is not ("csv" or "json" or "clients-csv"))
            {
                errors = [.. errors, new ApiError("format", $"must be csv (one row per round), clients-csv (one row per client round) or json, got '{format}'")];
            }
            if (errors.Count > 0)
            {
                return ApiErrors.BadRequest(new ApiErrors(errors));
            }
            var missing = await MissingAsync(store, ids, ct);
            if (missing.Count > 0)
            {
                return ApiErrors.Status(StatusCodes.Status404NotFound, "ids", $"no such run: {string.Join(", ", missing)}");
            }
            var buffer = new MemoryStream();
            if (kind == "csv")
            {
                await store.ExportCsvAsync(ids, buffer, ct);
            }
            else if (kind == "clients-csv")
            {
                await store.ExportClientCsvAsync(ids, buffer, ct);
            }
            else
            {
                await store.ExportJsonAsync(ids, buffer, ct);
            }
            buffer.Position = 0;
            var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
            return kind == "json"
                ? Results.File(buffer, "application/json", $"fedlab-runs-{stamp}.json")
                : Results.File(buffer, "text/csv", kind == "csv" ? $"fedlab-runs-{stamp}.csv" : $"fedlab-client-rounds-{stamp}.csv");
        })
        .WithSummary("Export runs as CSV (a row per round), CSV of client rounds (a row per client and round) or JSON: ids=<id>,<id>&format=csv|clients-csv|json")
        .Produces(StatusCodes.Status200OK, contentType: "text/csv")
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest)
        .Produces<ApiErrors>(StatusCodes.Status404NotFound);

        return runs;
    }

    internal static async Task<IReadOnlyList<Guid>> MissingAsync(RunStore store, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var found = await store.GetSummariesAsync(ids, ct);
        var present = found.Select(s => s.RunId).ToHashSet();
        return [.. ids.Where(id => !present.Contains(id))];
    }

    private static IResult NotFound(Guid id) => ApiErrors.Status(StatusCodes.Status404NotFound, "id", $"there is no run {id}");

    private static IResult Outcome(Guid id, RunActionResult result, string status) =>
        result.Ok ? Results.Accepted($"/api/runs/{id}", new RunActionResponse(id, status))
        : result.NotFound ? NotFound(id)
        : ApiErrors.Status(StatusCodes.Status409Conflict, "id", result.Problem ?? "not possible now");
}
