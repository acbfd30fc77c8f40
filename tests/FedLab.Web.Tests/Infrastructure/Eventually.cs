namespace FedLab.Web.Tests.Infrastructure;

/// <summary>Polls until a condition holds or a deadline passes (then fails with what it last saw).</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}; last value: {last}");
            }
            await Task.Delay(100);
            last = await probe();
        }
        return last;
    }
}
