using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FedLab.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FedLab.Web.Tests.Api;

/// <summary>
/// Decompression bombs (issue #10, item 3): a small .gz upload that expands to hundreds of MB is refused quickly,
/// at a bounded memory cost, with a JSON message naming the limit.
/// </summary>
public sealed class UploadBombTests(ITestOutputHelper output)
{
    private const long MaxGrowth = 100_000_000;

    /// <summary>A CSV header, then <paramref name="body"/> repeated to <paramref name="bytes"/>, gzip'd.</summary>
    private static byte[] Bomb(string body, long bytes)
    {
        var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(body, Math.Max(1, 1_000_000 / body.Length))));
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write("text,label\n"u8);
            for (long written = 0; written < bytes; written += chunk.Length)
            {
                gzip.Write(chunk);
            }
        }
        return compressed.ToArray();
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient http, string name, byte[] bytes)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        content.Add(file, "file", name);
        return http.PostAsync("api/datasets", content);
    }

    /// <summary>Posts and samples the process's managed heap and working set while the server handles it (it runs in this process).</summary>
    private async Task<(HttpResponseMessage Response, long ManagedGrowth, long WorkingSetGrowth, TimeSpan Elapsed)> MeasureAsync(HttpClient http, string name, byte[] bomb)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long workingSetBefore = process.WorkingSet64;
        long managedPeak = managedBefore, workingSetPeak = workingSetBefore;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                managedPeak = Math.Max(managedPeak, GC.GetTotalMemory(forceFullCollection: false));
                process.Refresh();
                workingSetPeak = Math.Max(workingSetPeak, process.WorkingSet64);
                await Task.Delay(5, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();
        var response = await UploadAsync(http, name, bomb);
        clock.Stop();
        await done.CancelAsync();
        await sampler;
        var result = (response, managedPeak - managedBefore, workingSetPeak - workingSetBefore, clock.Elapsed);
        output.WriteLine($"{name}: {bomb.Length:N0} bytes compressed -> {(int)response.StatusCode} in {clock.Elapsed.TotalSeconds:F2} s; " +
            $"peak managed growth {result.Item2 / 1e6:F1} MB, peak working-set growth {result.Item3 / 1e6:F1} MB");
        return result;
    }

    [Fact]
    public async Task GzipBombs_AreRefusedQuickly_WithBoundedMemory()
    {
        await using var app = await TestApp.StartAsync();

        // 200 MB of zeros in one field (about 200 KB compressed): stopped at FedLab:MaxFieldChars.
        var field = Bomb("0", 200_000_000);
        Assert.InRange(field.Length, 1, 1_000_000);
        var (response, managed, workingSet, elapsed) = await MeasureAsync(app.Http, "field-bomb.csv.gz", field);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("FedLab:MaxFieldChars", (await response.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
        Assert.InRange(managed, long.MinValue, MaxGrowth);
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));

        // 200 MB of tiny rows: stopped at FedLab:MaxDatasetRows.
        var (rows, rowsManaged, _, rowsElapsed) = await MeasureAsync(app.Http, "row-bomb.csv.gz", Bomb("a,x\nb,y\n", 200_000_000));
        Assert.Equal(HttpStatusCode.BadRequest, rows.StatusCode);
        Assert.Contains("FedLab:MaxDatasetRows", (await rows.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
        Assert.InRange(rowsManaged, long.MinValue, MaxGrowth);
        Assert.InRange(rowsElapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "uploads")));
        _ = workingSet;
    }

    [Fact]
    public async Task GzipBomb_OverTheDecompressedLimit_Is413()
    {
        // Valid rows of 1 kB, 200 MB in all: stopped at FedLab:MaxDecompressedBytes (set low here so the rows kept stay small).
        await using var app = await TestApp.StartAsync("--FedLab:MaxDecompressedBytes=20000000");
        var line = new string('w', 1000) + ",a\n" + new string('v', 1000) + ",b\n";
        var (response, managed, _, elapsed) = await MeasureAsync(app.Http, "long-rows.csv.gz", Bomb(line, 200_000_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("FedLab:MaxDecompressedBytes", (await response.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
        Assert.InRange(managed, long.MinValue, MaxGrowth);
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "uploads")));
    }
}
