using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedLab.Web.Tests.Infrastructure;

/// <summary>Helpers over the REST API, reading answers as JSON nodes (the way an outside client sees them).</summary>
public static class ApiClient
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidDataException("empty JSON body");

    public static async Task<Guid> CreateRunAsync(this HttpClient http, string json)
    {
        var response = await http.PostJsonAsync("api/runs", json);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /api/runs answered {(int)response.StatusCode}: {body}");
        }
        return JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    public static async Task<JsonNode> GetRunAsync(this HttpClient http, Guid id, bool clientRounds = false) =>
        (await http.GetFromJsonAsync<JsonNode>($"api/runs/{id}?clientRounds={(clientRounds ? "true" : "false")}"))!;

    public static string Status(this JsonNode run) => run["summary"]!["status"]!.GetValue<string>();

    public static Task<JsonNode> WaitForStatusAsync(this HttpClient http, Guid id, string status, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(() => http.GetRunAsync(id), r => r.Status() == status, timeout ?? TimeSpan.FromSeconds(120), $"run {id} to be {status}");

    public static IEnumerable<(string Field, string Message)> Errors(this JsonNode body) =>
        body["errors"]!.AsArray().Select(e => (e!["field"]!.GetValue<string>(), e["message"]!.GetValue<string>()));

    public static string Describe(this JsonNode body) => body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
