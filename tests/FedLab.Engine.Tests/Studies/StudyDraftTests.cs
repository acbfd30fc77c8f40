using System.Text.Json;
using System.Text.Json.Nodes;
using FedLab.Engine.Studies;

namespace FedLab.Engine.Tests.Studies;

/// <summary>The study form's draft writes the study JSON that the strict parser and the planner take, and names its own mistakes.</summary>
public sealed class StudyDraftTests
{
    private const string Base = """
        { "model": "tiny4", "dataset": { "name": "spam", "maxTokens": 16, "trainLimit": 60, "testLimit": 20 },
          "partition": { "kind": "dirichlet", "clients": 2, "alpha": 1.0 }, "framework": "fedllm",
          "training": { "rounds": 1, "localSteps": 1, "batchSize": 8 }, "seed": 3,
          "fork": { "run": "9b0c8a54-5a8e-4f4b-8f57-2a6f8d1c0e11", "round": 1 } }
        """;

    [Fact]
    public void Draft_BecomesTheStudyThePlannerExpands()
    {
        var draft = StudyDraft.FromRun(Base, "my run");
        Assert.Equal("Study of my run", draft.Name);
        Assert.Equal(["fedllm"], draft.Frameworks);
        draft.Frameworks.Add("split");
        draft.Axes.Add(new DraftAxis { Path = " partition.alpha ", Values = "0.1, 1" });
        draft.Axes.Add(new DraftAxis { Path = "split.cutLayer", Values = "1;2" });
        draft.Axes.Add(new DraftAxis { Path = "split.variant", Values = "sequential, splitfed" });
        draft.Seeds = "1, 2";
        draft.TargetAccuracy = 0.6;

        var (json, errors) = draft.ToJson();
        Assert.Empty(errors);
        var spec = StudySpecJson.Parse(json!);
        Assert.Null(spec.Base["fork"]); // a study starts from the model, not from the run's weights
        Assert.Equal([1, 2], spec.Seeds);
        Assert.Equal(0.6, spec.TargetAccuracy);
        Assert.Equal("partition.alpha", spec.Axes[0].Path);
        Assert.Equal(JsonValueKind.Number, spec.Axes[0].Values[0]!.GetValueKind());
        Assert.Equal("splitfed", spec.Axes[2].Values[1]!.GetValue<string>());
        // fedllm: 2 alphas x 2 seeds; split: 2 alphas x 2 cuts x 2 variants x 2 seeds.
        Assert.Equal(2 * 2 + 2 * 2 * 2 * 2, StudyPlan.Expand(spec).Count);
    }

    [Fact]
    public void FormMistakes_AreNamedAtTheirField()
    {
        var draft = new StudyDraft { Name = " ", BaseJson = "{ \"model\": ", Seeds = "1, two", TargetAccuracy = 1.5 };
        draft.Axes.Add(new DraftAxis { Path = "partition.alpha", Values = " , " });
        draft.Axes.Add(new DraftAxis { Path = "", Values = "1" });

        var (json, errors) = draft.ToJson();
        Assert.Null(json);
        var byField = errors.ToDictionary(e => e.Field, e => e.Message);
        Assert.Contains("name", byField.Keys);
        Assert.StartsWith("is not valid JSON", byField["base"], StringComparison.Ordinal);
        Assert.Contains("at least one framework", byField["frameworks"], StringComparison.Ordinal);
        Assert.Contains("partition.alpha", byField["axes[0].values"], StringComparison.Ordinal);
        Assert.Contains("axes[1].path", byField.Keys);
        Assert.Contains("'two'", byField["seeds"], StringComparison.Ordinal);
        Assert.Contains("targetAccuracy", byField.Keys);
    }

    [Fact]
    public void Values_AreTypedLikeJson()
    {
        var values = StudyDraft.ParseValues("3, 0.5, 1e-4, true, lora, \"full\"");
        Assert.Equal("[3,0.5,0.0001,true,\"lora\",\"full\"]", new JsonArray([.. values]).ToJsonString());
    }
}
