using FedLab.Web.Cli;
using FedLab.Web.Hosting;
using Microsoft.Extensions.Options;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);
}

try
{
    await using var app = FedLabWebApplication.Build(args);
    // Checks what was actually bound (a Kestrel endpoint setting can override FedLab:Urls).
    await app.StartCheckedAsync();
    await app.WaitForShutdownAsync();
}
catch (OptionsValidationException ex)
{
    // Settings problems (e.g. a public address without an access key): say what to fix, no stack trace.
    Console.Error.WriteLine("FedLab cannot start:");
    foreach (var failure in ex.Failures)
    {
        Console.Error.WriteLine("  " + failure);
    }
    return 2;
}
catch (IOException ex) when (ex.Message.StartsWith("Failed to bind", StringComparison.Ordinal))
{
    // Typically the port is taken (another dashboard?): choose another with --urls http://127.0.0.1:<port>.
    Console.Error.WriteLine($"FedLab cannot start: {ex.Message} Choose another port with --urls http://127.0.0.1:<port>.");
    return 2;
}
return 0;
