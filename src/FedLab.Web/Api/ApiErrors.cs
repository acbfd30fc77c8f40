using FedLab.Engine.Runs;

namespace FedLab.Web.Api;

/// <summary>The body of every error response: <c>{"errors":[{"field":"...","message":"..."}]}</c>.</summary>
public sealed record ApiErrors(IReadOnlyList<ApiError> Errors)
{
    public static ApiErrors One(string field, string message) => new([new ApiError(field, message)]);

    public static ApiErrors From(IEnumerable<SpecError> errors, string prefix = "") =>
        new([.. errors.Select(e => new ApiError(Prefixed(prefix, e.Field), e.Message))]);

    private static string Prefixed(string prefix, string field) =>
        prefix.Length == 0 ? field : field == "$" ? prefix : $"{prefix}.{field}";

    public static IResult BadRequest(ApiErrors errors) => Results.Json(errors, statusCode: StatusCodes.Status400BadRequest);

    public static IResult Status(int status, string field, string message) => Results.Json(One(field, message), statusCode: status);
}
