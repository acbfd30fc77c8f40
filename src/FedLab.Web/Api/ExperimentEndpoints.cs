using FedLab.Web.Queue;
using FedLab.Web.Specs;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Api;

/// <summary>POST /api/experiments: one base spec, one queued run per framework.</summary>
public static class ExperimentEndpoints
{
    public static IEndpointRouteBuilder MapExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/experiments", async (HttpRequest request, RunSpecChecker checker, RunQueue queue, IOptions<FedLabSettings> settings, CancellationToken ct) =>
        {
            var (json, problem) = await JsonBodyReader.ReadAsync(request, settings.Value.MaxSpecBytes, ct);
            if (problem is not null)
            {
                return problem;
            }
            var (parsed, parseErrors) = ExperimentRequest.Parse(json!);
            if (parsed is null)
            {
                return ApiErrors.BadRequest(new ApiErrors(parseErrors));
            }
            var specs = ExperimentPlan.ForFrameworks(parsed.Base, parsed.Frameworks);
            // Every run is validated. A problem every run shares is a problem of the base spec and is reported
            // once; one that only some frameworks have names the framework.
            var perRun = specs.Select(spec => (spec, Errors: ApiErrors.From(checker.Validate(spec), "base").Errors)).ToList();
            var common = perRun.Select(p => p.Errors.AsEnumerable()).Aggregate((a, b) => a.Intersect(b)).ToList();
            var errors = new List<ApiError>(common);
            foreach (var (spec, runErrors) in perRun)
            {
                errors.AddRange(runErrors.Except(common).Select(e => e with { Message = $"{e.Message} (with framework {FrameworkCatalog.Get(spec.Framework).JsonName})" }));
            }
            if (errors.Count > 0)
            {
                return ApiErrors.BadRequest(new ApiErrors(errors));
            }
            try
            {
                var (experimentId, runIds) = await queue.EnqueueExperimentAsync(parsed.Name, parsed.Description, specs, ct);
                return Results.Created($"/api/runs?experiment={experimentId}",
                    new CreatedExperiment(experimentId, runIds, [.. specs.Select(s => FrameworkCatalog.Get(s.Framework).JsonName)]));
            }
            catch (QueueFullException ex)
            {
                return ApiErrors.Status(StatusCodes.Status503ServiceUnavailable, "$", ex.Message);
            }
        })
        .WithTags("experiments")
        .WithSummary("Create an experiment: {name, description, base: <run spec>, frameworks: [\"fedllm\", ...]}; one queued run per framework")
        .WithMetadata(new JsonBodyMetadata(typeof(ExperimentBody)))
        .Produces<CreatedExperiment>(StatusCodes.Status201Created)
        .Produces<ApiErrors>(StatusCodes.Status400BadRequest);
        return app;
    }
}
