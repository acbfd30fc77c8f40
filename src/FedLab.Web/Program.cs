using FedLab.Web.Cli;
using FedLab.Web.Hosting;
using Microsoft.Extensions.Options;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);
}

try
{
    var app = FedLabWebApplication.Build(args);
    await app.RunAsync();
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
