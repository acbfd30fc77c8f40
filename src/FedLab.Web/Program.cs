using FedLab.Web.Cli;
using FedLab.Web.Hosting;
using Microsoft.Extensions.Options;

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args, Console.Out, Console.Error);
}

var app = FedLabWebApplication.Build(args);
try
{
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
return 0;
