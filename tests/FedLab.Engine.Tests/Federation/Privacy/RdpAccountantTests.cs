using FedLab.Engine.Federation.Privacy;

namespace FedLab.Engine.Tests.Federation.Privacy;

/// <summary>
/// The accountant against published reference numbers for the sampled Gaussian mechanism: TensorFlow Privacy's
/// rdp_accountant_test.py (tensorflow/privacy, tensorflow_privacy/privacy/analysis), which checks its compute_rdp
/// against multi-precision integration of Mironov, Talwar and Zhang 2019, and its get_privacy_spent conversion.
/// Every value must match within 1% (most match to 5 digits).
/// </summary>
public sealed class RdpAccountantTests
{
    private static void Within1Percent(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 0.01 * Math.Abs(expected), $"expected {expected}, got {actual}");

    [Fact]
    public void ComputeRdp_Scalar_MatchesTensorFlowPrivacy()
    {
        // test_compute_rdp_scalar: compute_rdp(q=0.1, noise_multiplier=2, steps=10, orders=5) = 0.07737
        Within1Percent(0.07737, RdpAccountant.Rdp(0.1, 2, 10, [5])[0]);
    }

    [Fact]
    public void ComputeRdp_Sequence_FractionalAndIntegerOrders_MatchTensorFlowPrivacy()
    {
        // test_compute_rdp_sequence: compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]) =
        // [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307]
        double[] orders = [1.5, 2.5, 5, 50, 100];
        double[] expected = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307];
        var rdp = RdpAccountant.Rdp(0.01, 2.5, 50, orders);
        for (int i = 0; i < orders.Length; i++)
        {
            Within1Percent(expected[i], rdp[i]);
        }
    }

    [Fact]
    public void NoSampling_IsTheGaussianMechanism_AndNoDataCostsNothing()
    {
        // test_compute_rdp_no_sampling: compute_rdp(1, 10, 1, 20) = 0.1 (α / 2σ²); test_compute_rdp_no_data: q = 0 gives 0.
        Assert.Equal(0.1, RdpAccountant.Rdp(1, 10, 1, [20])[0], 12);
        Assert.Equal(0, RdpAccountant.Rdp(0, 10, 1, [20])[0]);
    }

    [Fact]
    public void GetPrivacySpent_ConstantRdp_MatchesTensorFlowPrivacy()
    {
        // test_get_privacy_spent_check_target_delta: RDP 1.1 at orders 2..32, δ = 1e-5 gives ε = 1.32783806176 (order 32).
        var orders = Enumerable.Range(2, 31).Select(o => (double)o).ToArray();
        Within1Percent(1.32783806176, RdpAccountant.Epsilon(orders, orders.Select(_ => 1.1).ToArray(), 1e-5));
    }

    [Fact]
    public void GetPrivacySpent_GaussianCalibratedToEpsilonOne_GivesOne()
    {
        // Same test, second part: noise 4.530877117 without sampling is exactly (1, 1e-6)-DP over orders 1.0 … 100 by 0.001.
        var orders = Enumerable.Range(1000, 99000).Select(i => 0.001 * i).ToArray();
        Within1Percent(1.0, RdpAccountant.Epsilon(orders, RdpAccountant.Rdp(1, 4.530877117, 1, orders), 1e-6));
    }

    [Fact]
    public void Epsilon_GrowsWithRounds_AndShrinksWithNoise()
    {
        double few = RdpAccountant.Epsilon(0.1, 1.0, 10, 1e-5);
        double many = RdpAccountant.Epsilon(0.1, 1.0, 100, 1e-5);
        double noisier = RdpAccountant.Epsilon(0.1, 2.0, 100, 1e-5);
        Assert.True(few < many && noisier < many, $"{few} {many} {noisier}");
        Assert.Equal(0, RdpAccountant.Epsilon(0.1, 1.0, 0, 1e-5));
    }
}
