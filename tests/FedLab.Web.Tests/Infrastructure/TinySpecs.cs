using System.Globalization;

namespace FedLab.Web.Tests.Infrastructure;

/// <summary>Run specs on the tiny random model that finish in seconds, as the JSON a client would send.</summary>
public static class TinySpecs
{
    public static string Json(int rounds = 2, int clients = 3, string name = "tiny", string framework = "fedllm", string dataset = "spam", int seed = 5, int localSteps = 2) =>
        string.Create(CultureInfo.InvariantCulture, $$"""
        {
          "name": "{{name}}",
          "model": "tiny",
          "dataset": { "name": "{{dataset.Replace("\\", "\\\\", StringComparison.Ordinal)}}", "maxTokens": 24, "trainLimit": 120, "testLimit": 40 },
          "partition": { "kind": "dirichlet", "clients": {{clients}}, "alpha": 1.0 },
          "framework": "{{framework}}",
          "fineTune": { "mode": "lora", "lora": { "rank": 2, "alpha": 4, "targets": ["query", "value"] } },
          "training": { "rounds": {{rounds}}, "localSteps": {{localSteps}}, "batchSize": 8, "learningRate": 0.01, "evalBatchSize": 20 },
          "seed": {{seed}}
        }
        """);
}
