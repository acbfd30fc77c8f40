using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Federation.Robust;
using FedLab.Engine.Federation.SecureAggregation;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Federation;

/// <summary>
/// Bad realism options get a specific message at the field's path, through the one validator; a spec without the
/// sections is unchanged (parses, serialises and validates as before); the sections parse strictly.
/// </summary>
public sealed class RealismRulesTests
{
    private static IReadOnlyList<SpecError> Validate(RunSpec spec) => new RunSpecValidator(() => false).Validate(spec);

    private static RunSpec Spec => TinySpecs.FedLlm(clients: 6);

    [Fact]
    public void ASpecWithoutTheSections_SerialisesWithoutThem()
    {
        var json = RunSpecJson.Serialize(Spec);
        foreach (var section in new[] { "availability", "privacy", "secureAggregation", "robust", "attack" })
        {
            Assert.DoesNotContain($"\"{section}\"", json);
        }
        Assert.Empty(Validate(Spec));
    }

    [Theory]
    [InlineData("availability.dropout")]
    [InlineData("availability.minCompletion")]
    [InlineData("availability.deadlineSeconds")]
    [InlineData("availability.devices.medianGflops")]
    public void BadAvailability_IsNamedAtItsPath(string field)
    {
        var a = field switch
        {
            "availability.dropout" => new AvailabilitySpec { Dropout = 1 },
            "availability.minCompletion" => new AvailabilitySpec { MinCompletion = 1.5 },
            "availability.deadlineSeconds" => new AvailabilitySpec { DeadlineSeconds = 0 },
            _ => new AvailabilitySpec { Devices = new DeviceSpec { MedianGflops = -1 } },
        };
        Assert.Contains(Validate(Spec with { Availability = a }), e => e.Field == field);
    }

    [Fact]
    public void SequentialSplit_RefusesMinCompletionOverSelectionAndTheParameterWrappers()
    {
        var spec = Spec with
        {
            Framework = "split",
            Split = new SplitOptions { Variant = SplitVariant.Sequential, CutLayer = 1 },
            Availability = new AvailabilitySpec { Dropout = 0.2, MinCompletion = 0.5, OverSelection = 0.2 },
            Privacy = new PrivacySpec(),
        };
        var fields = Validate(spec).Select(e => e.Field).ToList();
        Assert.Contains("availability.minCompletion", fields);
        Assert.Contains("availability.overSelection", fields);
        Assert.Contains("privacy", fields);
        Assert.DoesNotContain("availability.dropout", fields); // dropouts are fine: an absent client's turn is skipped
    }

    [Fact]
    public void Kd_RefusesTheParameterWrappers_ButTakesAvailability()
    {
        var spec = Spec with { Framework = "kd", Availability = new AvailabilitySpec { Dropout = 0.2, MinCompletion = 0.5 }, Robust = new RobustSpec(), SecureAggregation = new SecureAggregationSpec() };
        var fields = Validate(spec).Select(e => e.Field).ToList();
        Assert.Contains("robust", fields);
        Assert.Contains("secureAggregation", fields);
        Assert.DoesNotContain(fields, f => f.StartsWith("availability", StringComparison.Ordinal));
    }

    [Fact]
    public void PrivacyAndRobustAndSecAgg_BadValuesAndBadCombinations()
    {
        var fields = Validate(Spec with
        {
            Privacy = new PrivacySpec { NoiseMultiplier = 0, ClipNorm = 0, Delta = 1, EpsilonBudget = 5 },
            Robust = new RobustSpec { Rule = RobustRule.Krum, Byzantine = 3 },
            SecureAggregation = new SecureAggregationSpec { Bits = 40 },
            Attack = new AttackSpec { Fraction = 0 },
        }).Select(e => e.Field).ToList();
        Assert.Contains("privacy.clipNorm", fields);
        Assert.Contains("privacy.delta", fields);
        Assert.Contains("privacy.epsilonBudget", fields); // a budget without noise is never met
        Assert.Contains("robust.byzantine", fields);      // 6 clients per round cannot tolerate f = 3 with Krum
        Assert.Contains("secureAggregation.bits", fields);
        Assert.Contains("secureAggregation", fields);     // with a robust rule
        Assert.Contains("attack.fraction", fields);
    }

    [Fact]
    public void Trace_FileProblemsNameTheLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fedlab-bad-trace-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ["client,round,available", "0,1,1", "1,1,maybe"]);
        var error = Assert.Single(Validate(Spec with { Availability = new AvailabilitySpec { Trace = path } }));
        Assert.Equal("availability.trace", error.Field);
        Assert.Contains("line 3", error.Message);
        Assert.Contains(Validate(Spec with { Availability = new AvailabilitySpec { Trace = path + ".missing" } }), e => e.Field == "availability.trace");
    }

    [Fact]
    public void Sections_ParseStrictly_AndRoundTrip()
    {
        var json = RunSpecJson.Serialize(Spec).TrimEnd().TrimEnd('}') +
            """, "privacy": { "mode": "local", "noiseMultiplier": 0.5 }, "availability": { "dropout": 0.1, "devices": { "latencyMs": 10 } } }""";
        var spec = RunSpecJson.Parse(json);
        Assert.Equal(DpMode.Local, spec.Privacy!.Mode);
        Assert.Equal(10, spec.Availability!.Devices.LatencyMs);
        Assert.Equal(spec.Privacy, RunSpecJson.Parse(RunSpecJson.Serialize(spec)).Privacy);
        var unknown = Assert.Throws<RunSpecException>(() => RunSpecJson.Parse(json.Replace("\"latencyMs\"", "\"latency\"")));
        Assert.Contains(unknown.Errors, e => e.Field.Contains("availability", StringComparison.Ordinal));
    }

    [Fact]
    public void TargetEpsilon_CalibratesTheNoise()
    {
        var spec = Spec with { Training = Spec.Training with { Rounds = 10, ClientFraction = 0.5 }, Privacy = new PrivacySpec { TargetEpsilon = 8 } };
        double z = PrivacyLedger.NoiseMultiplier(spec);
        Assert.InRange(PrivacyLedger.EpsilonAfter(spec, 10), 7.9, 8.0);
        Assert.True(PrivacyLedger.EpsilonAfter(spec with { Privacy = new PrivacySpec { NoiseMultiplier = z * 0.98 } }, 10) > 8);
    }
}
