using Bunit;
using FedLab.Engine.Runs;
using FedLab.Web.Components.Pages;
using FedLab.Web.Views;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>
/// The form's "Clients as they really are" groups: a switch adds its section (with its defaults, so every field shows
/// a value) or removes it; the validator's messages show at the section's fields; the run page's privacy series read
/// ε and the clipping norm from the open metric set.
/// </summary>
public sealed class RealismFormTests
{
    [Fact]
    public async Task PrivacySwitch_AddsTheSection_ShowsItsFields_AndValidatesThem()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
        Assert.Empty(cut.FindAll("[data-field='privacy.clipNorm']"));
        Assert.DoesNotContain("\"privacy\"", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);

        cut.Find("[data-section='privacy'] input").Change(true);

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-field='privacy.clipNorm']")));
        Assert.Contains("\"privacy\"", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));

        cut.Find("[data-section='privacy'] input").Change(false);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-field='privacy.clipNorm']")));
        Assert.DoesNotContain("\"privacy\"", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);

        cut.Find("[data-section='privacy'] input").Change(true);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-field='privacy.clipNorm']")));
        await cut.InvokeAsync(() =>
        {
            cut.Instance.Form.Draft.SetNumber("privacy.clipNorm", 0);
            return cut.Instance.Form.Changed("privacy.clipNorm");
        });
        cut.WaitForAssertion(() => Assert.Contains("must be greater than 0", cut.Find("[data-field='privacy.clipNorm']").TextContent, StringComparison.Ordinal));
        Assert.Contains("privacy.clipNorm", cut.Find("#form-errors").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AvailabilitySwitch_OnKd_IsAccepted_ButRobustIsRefusedAtItsSection()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        await cut.InvokeAsync(() =>
        {
            cut.Instance.Form.Draft.SetString("framework", "kd");
            return cut.Instance.Form.Changed("framework");
        });
        cut.Find("[data-section='availability'] input").Change(true);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-field='availability.dropout']")));
        cut.Find("[data-section='robust'] input").Change(true);
        cut.WaitForAssertion(() => Assert.Contains("robust", cut.Find("#form-errors").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("availability", cut.Find("#form-errors").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LateUpdates_Stale_WithoutADeadline_IsRefusedAtItsField_AndAcceptedWithOne()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
        cut.Find("[data-section='availability'] input").Change(true);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-field='availability.late']")));
        Assert.NotNull(cut.Find("[data-field='availability.stalenessExponent']"));
        Assert.Contains("\"late\": \"drop\"", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);

        await cut.InvokeAsync(() =>
        {
            cut.Instance.Form.Draft.SetString("availability.late", "stale");
            return cut.Instance.Form.Changed("availability.late");
        });
        cut.WaitForAssertion(() => Assert.Contains("no client is ever late", cut.Find("[data-field='availability.late']").TextContent, StringComparison.Ordinal));

        await cut.InvokeAsync(() =>
        {
            cut.Instance.Form.Draft.SetNumber("availability.deadlineSeconds", 30);
            return cut.Instance.Form.Changed("availability.deadlineSeconds");
        });
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
    }

    [Fact]
    public void RoundPoints_CarryTheOpenMetricSet()
    {
        var none = new Dictionary<PayloadKind, long>();
        var metrics = new RoundMetrics(1, new EvalMetrics(0.5, 0.5, 0.7, 10), 2, 10, 10, none, none, 1, 1, 0, 0, 1, 0.7,
            Extra: new Dictionary<string, double> { ["privacy.epsilon"] = 3.5, ["privacy.clipNorm"] = 0.8 });
        var timeline = new RunTimeline();
        var point = timeline.Add(new RoundFinished(Guid.NewGuid(), DateTimeOffset.UnixEpoch, metrics, 3, null))!;
        Assert.Equal(3.5, point.Metric("privacy.epsilon"));
        Assert.Equal(0.8, point.Metric("privacy.clipNorm"));
        Assert.Null(point.Metric("privacy.epsilonBudget"));
    }
}
