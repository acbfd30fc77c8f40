// libtorch's default random generator is process-wide: tests that seed it must not interleave, or runs
// that should be bit-identical draw different dropout masks. (The web host runs one run at a time by default
// for the same reason.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]
