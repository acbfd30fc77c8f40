using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FedLab.Web.Api;

/// <summary>Adds the request body of endpoints marked with <see cref="JsonBodyMetadata"/> to the OpenAPI document.</summary>
public static class OpenApiBodies
{
    /// <summary>
    /// Adds the JSON request bodies, and types the engine's doubles (the run spec, study specs, profiles) as plain
    /// numbers: the app writes NaN as a string in results, so the generator offers number-or-"NaN" everywhere, but
    /// the spec parser is strict and refuses those strings, so a client generated from the document must not send them.
    /// </summary>
    public static OpenApiOptions AddJsonBodies(this OpenApiOptions options) => options.AddSchemaTransformer((schema, context, ct) =>
    {
        if (schema.AnyOf is { Count: 2 } anyOf && anyOf.Any(s => s.Enum is { Count: > 0 } e && e.Any(v => v?.ToString() == "NaN"))
            && context.JsonPropertyInfo?.DeclaringType.Namespace?.StartsWith("FedLab.Engine", StringComparison.Ordinal) == true)
        {
            schema.AnyOf = null;
            schema.Type = Nullable.GetUnderlyingType(context.JsonPropertyInfo.PropertyType) is null
                ? JsonSchemaType.Number
                : JsonSchemaType.Number | JsonSchemaType.Null;
        }
        return Task.CompletedTask;
    }).AddRequestBodies();

    private static OpenApiOptions AddRequestBodies(this OpenApiOptions options) => options.AddOperationTransformer(async (operation, context, ct) =>
    {
        var body = context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault();
        if (body is null)
        {
            return;
        }
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, ct) },
            },
        };
    });
}
