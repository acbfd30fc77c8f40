using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Frameworks;

/// <summary>
/// The framework seam: a framework defined in this test assembly (<see cref="MixingTestFramework"/>), registered from
/// here without editing src/, passes the whole contract suite, and its options are parsed and validated like the
/// built-in frameworks' options.
/// </summary>
public sealed class ExtraFrameworkContractTests : FrameworkContractTests, IDisposable
{
    // Registered for each test and removed after it (tests run one at a time), so no other test sees it.
    private readonly IDisposable _registration = MixingTestFramework.Register();

    public void Dispose() => _registration.Dispose();

    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        RunSpecJson.Parse(RunSpecJson.Serialize(TinySpecs.FedLlm(clients, rounds, seed: seed) with { Framework = MixingTestFramework.Id })
            .TrimEnd().TrimEnd('}') + ", \"testMixing\": { \"mixing\": 0.5 } }");

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Parameters);

    [Fact]
    public void ItsOptionsSection_ParsesStrictly_AndItsRulesRun()
    {
        var json = RunSpecJson.Serialize(TinySpecs.FedLlm() with { Framework = MixingTestFramework.Id }).TrimEnd().TrimEnd('}');
        var spec = RunSpecJson.Parse(json + ", \"testMixing\": { \"mixing\": 0.25 } }");
        Assert.Equal(0.25, FedLab.Engine.Frameworks.FrameworkOptions.Get<MixingOptions>(spec, new MixingTestFramework()).Mixing);
        Assert.Contains("\"testMixing\"", RunSpecJson.Serialize(spec), StringComparison.Ordinal); // written back where it was read

        var wrongType = Assert.Throws<RunSpecException>(() => RunSpecJson.Parse(json + ", \"testMixing\": { \"mixing\": \"half\" } }"));
        Assert.Equal("testMixing.mixing", Assert.Single(wrongType.Errors).Field);
        var unknownField = Assert.Throws<RunSpecException>(() => RunSpecJson.Parse(json + ", \"testMixing\": { \"mixng\": 0.5 } }"));
        Assert.Equal("testMixing.mixng", Assert.Single(unknownField.Errors).Field);
        var unknownSection = Assert.Throws<RunSpecException>(() => RunSpecJson.Parse(json + ", \"notASection\": { } }"));
        Assert.Equal(("notASection", "unknown field"), (Assert.Single(unknownSection.Errors).Field, unknownSection.Errors[0].Message));

        var outOfRange = new RunSpecValidator().Validate(RunSpecJson.Parse(json + ", \"testMixing\": { \"mixing\": 2 } }"));
        Assert.Equal("testMixing.mixing", Assert.Single(outOfRange).Field);
    }

    [Fact]
    public void NamedMetrics_OfTheEvaluationAndTheRound_ReachTheRoundMetrics()
    {
        var result = new RunExecutor(TinySpecs.Engine).Execute(Guid.NewGuid(), Spec(clients: 3, rounds: 2), new RecordingSink(), CancellationToken.None);
        Assert.Equal(RunStatus.Finished, result.Status);
        var zero = result.Rounds[0];
        Assert.Equal(["test.errorRate"], zero.Extra!.Keys);
        Assert.Equal(1 - zero.Global.Accuracy, zero.Extra["test.errorRate"]);
        foreach (var round in result.Rounds.Skip(1))
        {
            Assert.Equal(["mixing.clients", "mixing.weight", "test.errorRate"], round.Extra!.Keys);
            Assert.Equal(round.Clients, round.Extra["mixing.clients"]);
            Assert.Equal(0.5, round.Extra["mixing.weight"]);
        }
        Assert.All(result.ClientRounds, c => Assert.True(c.Extra!["mixing.examples"] > 0));
    }

    [Theory]
    [InlineData("accuracy")]
    [InlineData("test.")]
    [InlineData(".accuracy")]
    [InlineData("test accuracy")]
    [InlineData("")]
    public void MetricNames_WithoutAScopeOrWithOtherCharacters_AreRefused(string name)
    {
        Assert.False(MetricNames.IsValid(name));
        Assert.Throws<ArgumentException>(() => MetricNames.Merge(new Dictionary<string, double> { [name] = 1 }, null));
    }

    [Fact]
    public void AMetricReportedTwiceInOneRound_IsABug_AndThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => MetricNames.Merge(
            new Dictionary<string, double> { ["privacy.epsilon"] = 1 }, new Dictionary<string, double> { ["privacy.epsilon"] = 2 }));
        Assert.Contains("privacy.epsilon", ex.Message, StringComparison.Ordinal);
        Assert.Null(MetricNames.Merge(null, new Dictionary<string, double>()));
    }

    [Fact]
    public void AnUnknownFramework_IsRefusedByName()
    {
        var errors = new RunSpecValidator().Validate(TinySpecs.FedLlm() with { Framework = "fedsgd" });
        var error = Assert.Single(errors);
        Assert.Equal("framework", error.Field);
        Assert.Contains("fedllm", error.Message, StringComparison.Ordinal);
    }
}
