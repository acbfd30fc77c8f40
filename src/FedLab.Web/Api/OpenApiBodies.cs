using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FedLab.Web.Api;

/// <summary>Adds the request body of endpoints marked with <see cref="JsonBodyMetadata"/> to the OpenAPI document.</summary>
public static class OpenApiBodies
{
    public static OpenApiOptions AddJsonBodies(this OpenApiOptions options) => options.AddOperationTransformer(async (operation, context, ct) =>
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
