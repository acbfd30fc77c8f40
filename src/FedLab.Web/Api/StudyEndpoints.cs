using System.Text;
using System.Text.Json;
using FedLab.Data.Studies;
using FedLab.Data.Studies.Export;
using FedLab.Engine.Runs;
using FedLab.Engine.Studies;
using FedLab.Web.Queue;
using FedLab.Web.Studies;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Api;

/// <summary>
/// /api/studies: create a study from a study spec (the same JSON as <c>study --config</c>), list, read with statistics
/// under a deployment profile (<c>?profile=phone-4g</c> or <c>?profile=clientGflops=10,upMbps=5,...</c>), the
/// figures as SVG or PNG (<c>?dpi=300</c>), the tables as CSV and LaTeX, the one-file report, and the actions
/// cancel, resume, rerun-failed and seeds.
/// </summary>
public static class StudyEndpoints
{
    public static RouteGroupBuilder MapStudyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/studies").WithTags("studies");

        group.MapPost("/", async (HttpRequest request, StudyService studies, IOptions<FedLabSettings> settings, CancellationToken ct) =>
        {
            var (json, problem) = await JsonBodyReader.ReadAsync(request, settings.Value.MaxSpecBytes, ct);
            if (problem is not null)
            {
                return problem;
            }
            try
            {
                var (id, runs, errors) = await studies.CreateAsync(json!, ct);
                return id is Guid created
                    ? Results.Created($"/api/studies/{created}", new CreatedStudy(created, runs))
                    : ApiErrors.BadRequest(ApiErrors.From(errors));
            }
            catch (QueueFullException ex)
            {
                return ApiErrors.Status(StatusCodes.Status503ServiceUnavailable, "$", ex.Message);
            }
        })
        .WithSummary("Create a study: {name, base: <run spec>, frameworks, axes: [{path, values}], seeds, targetAccuracy}; every run validated, then queued")
        .Produces<CreatedStudy>(StatusCodes.Status201Created)
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest);

        group.MapGet("/", async (StudyService studies, CancellationToken ct) => Results.Ok(await studies.ListAsync(ct)))
            .WithSummary("List studies with their run counts")
            .Produces<IReadOnlyList<StudyRow>>();

        group.MapGet("/{id:guid}", async (Guid id, string? profile, StudyService studies, CancellationToken ct) =>
        {
            if (Profile(profile) is not { } p)
            {
                return BadProfile(profile);
            }
            var results = await studies.AnalyseAsync(id, p, ct);
            return results is null ? NotFound(id) : Results.Json(StudyResponse.From(results), RunSpecJson.OutputOptions);
        })
        .WithSummary("A study: progress, the grid of runs, per-configuration statistics across seeds (mean, 95% CI) and crossovers under a profile")
        .Produces<StudyResponse>()
        .Produces<ApiErrors>(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/figures/{file}", async (Guid id, string file, string? profile, double? dpi, StudyService studies, CancellationToken ct) =>
        {
            if (Profile(profile) is not { } p)
            {
                return BadProfile(profile);
            }
            var results = await studies.AnalyseAsync(id, p, ct);
            if (results is null)
            {
                return NotFound(id);
            }
            var name = Path.GetFileNameWithoutExtension(file);
            var ext = Path.GetExtension(file).ToLowerInvariant();
            var figure = StudyFigures.All(results, Profiles(p)).FirstOrDefault(f => f.FileName == name);
            if (figure is null || ext is not (".svg" or ".png"))
            {
                return ApiErrors.Status(StatusCodes.Status404NotFound, "file", $"no figure '{file}'; the study's figures are NAME.svg or NAME.png for NAME in: {string.Join(", ", StudyFigures.All(results, Profiles(p)).Select(f => f.FileName))}");
            }
            if (dpi is double d && !(d >= 48 && d <= 600))
            {
                return ApiErrors.Status(StatusCodes.Status400BadRequest, "dpi", "must be between 48 and 600");
            }
            var svg = figure.Chart.ToSvg();
            return ext == ".svg"
                ? Results.File(Encoding.UTF8.GetBytes(svg), "image/svg+xml", file)
                : Results.File(PngRenderer.Render(svg, dpi ?? 96), "image/png", file);
        })
        .WithSummary("A study figure as SVG or PNG (light theme, opaque; ?dpi=300 for print)");

        group.MapGet("/{id:guid}/export/{file}", async (Guid id, string file, string? profile, StudyService studies, CancellationToken ct) =>
        {
            if (Profile(profile) is not { } p)
            {
                return BadProfile(profile);
            }
            var results = await studies.AnalyseAsync(id, p, ct);
            if (results is null)
            {
                return NotFound(id);
            }
            return file switch
            {
                "summary.csv" => Results.File(Encoding.UTF8.GetBytes(StudyTables.Csv(results)), "text/csv", file),
                "summary.tex" => Results.File(Encoding.UTF8.GetBytes(StudyTables.Latex(results)), "application/x-tex", file),
                "report.html" => Results.File(Encoding.UTF8.GetBytes(StudyReport.Html(results, StudyFigures.All(results, Profiles(p)), Profiles(p))), "text/html", file),
                "report.md" => Results.File(Encoding.UTF8.GetBytes(StudyReport.Markdown(results, StudyFigures.All(results, Profiles(p)), Profiles(p))), "text/markdown", file),
                "study.json" => Results.File(Encoding.UTF8.GetBytes(StudySpecJson.Serialize(results.State.Spec)), "application/json", file),
                _ => ApiErrors.Status(StatusCodes.Status404NotFound, "file", "use summary.csv, summary.tex, report.html, report.md or study.json"),
            };
        })
        .WithSummary("The study's tables (summary.csv, summary.tex booktabs), report (report.html with figures inline, report.md) or spec (study.json)");

        group.MapPost("/{id:guid}/cancel", (Guid id, StudyService s, CancellationToken ct) => Act(id, s, (state, t) => s.CancelAsync(state, t), "cancelled", ct))
            .WithSummary("Cancel the study's queued and running runs");
        group.MapPost("/{id:guid}/resume", (Guid id, StudyService s, CancellationToken ct) => Act(id, s, (state, t) => s.ResumeAsync(state, t), "queued", ct))
            .WithSummary("Queue the interrupted and cancelled runs again (each continues after its last round)");
        group.MapPost("/{id:guid}/rerun-failed", (Guid id, StudyService s, CancellationToken ct) => Act(id, s, (state, t) => s.RerunFailedAsync(state, t), "queued", ct))
            .WithSummary("Queue a fresh run for every failed run of the study");
        group.MapPost("/{id:guid}/seeds", async (Guid id, HttpRequest request, StudyService s, IOptions<FedLabSettings> settings, CancellationToken ct) =>
        {
            var (json, problem) = await JsonBodyReader.ReadAsync(request, settings.Value.MaxSpecBytes, ct);
            if (problem is not null)
            {
                return problem;
            }
            int seed;
            try
            {
                using var doc = JsonDocument.Parse(json!);
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("seed", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out seed)
                    || doc.RootElement.EnumerateObject().Count() != 1)
                {
                    return ApiErrors.Status(StatusCodes.Status400BadRequest, "seed", "the body must be {\"seed\": <integer>}");
                }
            }
            catch (JsonException)
            {
                return ApiErrors.Status(StatusCodes.Status400BadRequest, "$", "not valid JSON; the body must be {\"seed\": <integer>}");
            }
            if (await s.GetAsync(id, ct) is not { } state)
            {
                return NotFound(id);
            }
            try
            {
                var (runs, errors) = await s.AddSeedAsync(state, seed, ct);
                return errors.Count > 0 ? ApiErrors.BadRequest(ApiErrors.From(errors)) : Results.Ok(new StudyActionResponse("queued", runs));
            }
            catch (QueueFullException ex)
            {
                return ApiErrors.Status(StatusCodes.Status503ServiceUnavailable, "$", ex.Message);
            }
        })
        .WithSummary("Add a seed to a study: {\"seed\": 4}; its runs are queued");
        return group;
    }

    private static async Task<IResult> Act(Guid id, StudyService studies, Func<StudyState, CancellationToken, Task<int>> action, string verb, CancellationToken ct)
    {
        if (await studies.GetAsync(id, ct) is not { } state)
        {
            return NotFound(id);
        }
        try
        {
            return Results.Ok(new StudyActionResponse(verb, await action(state, ct)));
        }
        catch (QueueFullException ex)
        {
            return ApiErrors.Status(StatusCodes.Status503ServiceUnavailable, "$", ex.Message);
        }
    }

    internal static DeploymentProfile? Profile(string? text)
    {
        try
        {
            return DeploymentProfileText.Parse(string.IsNullOrWhiteSpace(text) ? DeploymentPresets.LaptopBroadband.Name : text);
        }
        catch (RunSpecException)
        {
            return null;
        }
    }

    internal static IReadOnlyList<DeploymentProfile> Profiles(DeploymentProfile chosen) =>
        DeploymentPresets.Find(chosen.Name) is null ? [.. DeploymentPresets.All, chosen] : DeploymentPresets.All;

    private static IResult BadProfile(string? text)
    {
        try
        {
            DeploymentProfileText.Parse(text ?? "");
            return ApiErrors.Status(StatusCodes.Status400BadRequest, "profile", "invalid profile");
        }
        catch (RunSpecException ex)
        {
            return ApiErrors.BadRequest(ApiErrors.From(ex.Errors));
        }
    }

    private static IResult NotFound(Guid id) => ApiErrors.Status(StatusCodes.Status404NotFound, "id", $"there is no study {id}");
}

public sealed record CreatedStudy(Guid Id, int Runs);

public sealed record StudyActionResponse(string Action, int Runs);
