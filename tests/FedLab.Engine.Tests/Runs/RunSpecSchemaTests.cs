using Json.Schema;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Runs;

/// <summary>The shipped JSON Schema is the generated one, accepts every example spec and refuses broken ones.</summary>
public sealed class RunSpecSchemaTests
{
    private static readonly string ShippedPath = Path.Combine(RepoPaths.Root, "schemas", "run-spec.schema.json");

    // JsonSchema.Net registers a schema by its $id once per process.
    private static readonly Lazy<JsonSchema> s_shipped = new(() => JsonSchema.FromText(File.ReadAllText(ShippedPath)));

    private static JsonSchema Shipped() => s_shipped.Value;

    private static EvaluationResults Evaluate(JsonSchema schema, string json) =>
        schema.Evaluate(System.Text.Json.JsonDocument.Parse(json, new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip }).RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.List });

    [Fact]
    public void TheShippedSchema_IsWhatThisBuildGenerates()
    {
        // When this fails after a spec change: dotnet run --project src/FedLab.Web -- schema --out schemas/run-spec.schema.json
        Assert.Equal(RunSpecSchema.GenerateText(), File.ReadAllText(ShippedPath).ReplaceLineEndings("\n"));
    }

    public static TheoryData<string> ExampleSpecs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples"), "*.json").Order(StringComparer.Ordinal))
        {
            if (!Path.GetFileName(file).StartsWith("compare-", StringComparison.Ordinal) && !Path.GetFileName(file).StartsWith("study-", StringComparison.Ordinal))
            {
                data.Add(Path.GetFileName(file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleSpecs))]
    public void EveryExampleSpec_IsValid_ByTheSchemaAndByTheParser(string file)
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", file));
        var result = Evaluate(Shipped(), json);
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        RunSpecJson.Parse(json);
    }

    [Theory]
    [InlineData("""{ "name": "x", "model": "tiny", "dataset": { "name": "spam" }, "partition": { "kind": "iid", "clients": 2 }, "framework": "fedllm", "seed": "3" }""")] // number as a string
    [InlineData("""{ "name": "x", "model": "tiny", "dataset": { "name": "spam", "maxTokns": 8 }, "partition": { "kind": "iid", "clients": 2 }, "framework": "fedllm" }""")] // unknown nested field
    [InlineData("""{ "name": "x", "model": "tiny", "dataset": { "name": "spam" }, "partition": { "kind": "random", "clients": 2 }, "framework": "fedllm" }""")] // unknown enum name
    [InlineData("""{ "name": "x", "model": "tiny", "partition": { "kind": "iid", "clients": 2 }, "framework": "fedllm" }""")] // missing required section
    [InlineData("""{ "name": "x", "model": "tiny", "dataset": { "name": "spam" }, "partition": { "kind": "iid", "clients": 2 }, "framework": "fedsgd" }""")] // unknown framework
    [InlineData("""{ "name": "x", "model": "tiny", "dataset": { "name": "spam" }, "partition": { "kind": "iid", "clients": 2 }, "framework": "fedllm", "extra": 1 }""")] // unknown top-level field
    public void ABrokenSpec_IsRefusedByTheSchema(string json)
    {
        Assert.False(Evaluate(Shipped(), json).IsValid);
    }

    [Fact]
    public void AnEditorsSchemaKey_IsAccepted_AndNotStored_ButMustBeAString()
    {
        // The example without its own "$schema" line (every example carries one).
        var json = RunSpecJson.Serialize(RunSpecJson.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "quick-tiny.json")))).TrimStart();
        Assert.DoesNotContain("$schema", json, StringComparison.Ordinal);
        var withSchema = "{ \"$schema\": \"../schemas/run-spec.schema.json\"," + json[1..];
        Assert.True(Evaluate(Shipped(), withSchema).IsValid);
        var spec = RunSpecJson.Parse(withSchema);
        Assert.Null(spec.Sections);
        Assert.DoesNotContain("$schema", RunSpecJson.Serialize(spec), StringComparison.Ordinal);
        Assert.Equal(RunSpecJson.Serialize(RunSpecJson.Parse(json)), RunSpecJson.Serialize(spec));

        var notString = Assert.Throws<RunSpecException>(() => RunSpecJson.Parse("{ \"$schema\": 3," + json[1..]));
        Assert.Equal("$schema", Assert.Single(notString.Errors).Field);
    }
}
