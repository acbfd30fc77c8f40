using FedLab.Data;
using FedLab.Engine.Runs;
using Scalar.AspNetCore;

namespace FedLab.Web.Api;

/// <summary>
/// What tools around the dashboard need: the run spec's JSON Schema (<c>/api/schema/run-spec.json</c>, for editors and
/// generators), a health endpoint (<c>/health</c>: 200 when the database answers, 503 when not; no details beyond that),
/// and an interactive OpenAPI page (Scalar, <c>/scalar</c>) beside <c>/openapi/v1.json</c>.
/// </summary>
public static class ServiceEndpoints
{
    public const string HealthPath = "/health";
    public const string SchemaPath = "/api/schema/run-spec.json";

    private static readonly Lazy<string> s_schema = new(RunSpecSchema.GenerateText);

    public static IEndpointRouteBuilder MapServiceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(SchemaPath, () => Results.Text(s_schema.Value, "application/schema+json"))
            .WithSummary("The run spec's JSON Schema (draft 2020-12), as schemas/run-spec.schema.json in the repository")
            .Produces<string>(StatusCodes.Status200OK, "application/schema+json");

        app.MapGet(HealthPath, async (RunStore store, CancellationToken ct) =>
        {
            try
            {
                await store.ListRunsAsync(new RunListQuery { PageSize = 1 }, ct);
                return Results.Json(new HealthResponse("healthy"));
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
            {
                return Results.Json(new HealthResponse("unhealthy: the database does not answer"), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        })
        .WithSummary("200 {\"status\":\"healthy\"} when the database answers; 503 otherwise")
        .Produces<HealthResponse>()
        .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);

        app.MapScalarApiReference(options => options.WithTitle("FedLab API"));
        return app;
    }
}

public sealed record HealthResponse(string Status);
