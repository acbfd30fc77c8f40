namespace FedLab.Web.Hosting;

/// <summary>What an unhandled exception answers: a plain message, never the exception (that goes to the log).</summary>
internal static class ErrorResponse
{
    public static async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        const string message = "something went wrong on the server; the details are in its log";
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await context.Response.WriteAsJsonAsync(Api.ApiErrors.One("$", message));
        }
        else
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(message);
        }
    }
}
