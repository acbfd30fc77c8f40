using FedLab.Bench;

// Benchmarks print ratios measured in one run (this machine is shared and noisy), never pass/fail.
//   dotnet run -c Release --project bench/FedLab.Bench -- [engine|all]
var which = args.Length > 0 ? args[0] : "all";
if (which == "engine-memory-child")
{
    return EngineBenchmark.MemoryChild(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
}
var benchmarks = BenchmarkRegistry.All;
// "perf" is also part of "engine" ("perf-full" part of "perf"); "all" runs it once, there. "cluster" starts worker processes: run it by name.
var selected = which == "all" ? benchmarks.Where(b => b.Name is not ("perf" or "perf-full" or "cluster")).ToList() : benchmarks.Where(b => b.Name == which).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"unknown benchmark '{which}'; choose one of: all, {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 2;
}
foreach (var benchmark in selected)
{
    Console.WriteLine($"== {benchmark.Name}: {benchmark.Description}");
    benchmark.Run(Console.Out);
    Console.WriteLine();
}
return 0;
