namespace FedLab.Tests.Shared;

/// <summary>
/// Test tiers, as xunit traits (<c>[Trait(TestCategories.Key, TestCategories.Process)]</c>). Tests without a category
/// are fast unit and in-process tests. <c>./test.sh</c> runs every tier; <c>./test.sh --fast</c> leaves out the slow ones:
/// child processes, the browser and the real pre-trained models.
/// </summary>
public static class TestCategories
{
    public const string Key = "Category";

    /// <summary>Starts the real CLI, the dashboard or Node as a child process.</summary>
    public const string Process = "Process";

    /// <summary>Drives headless Chromium against the real dashboard.</summary>
    public const string Browser = "Browser";

    /// <summary>Loads the real MiniLM or Arctic weights (converted once per machine, then cached).</summary>
    public const string RealModel = "RealModel";
}
