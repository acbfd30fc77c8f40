using FedLab.Engine.Models;

namespace FedLab.Data.Tests;

/// <summary>One model store per test run, caching converted weights under the test output folder.</summary>
internal static class TestModels
{
    public static ModelStore Store { get; } = new(cacheDirectory: Path.Combine(AppContext.BaseDirectory, "model-cache"));
}
