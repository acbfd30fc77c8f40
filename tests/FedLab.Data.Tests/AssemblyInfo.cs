// libtorch's random generator is process-wide: tests that run the engine must not interleave, or runs that
// should be bit-identical draw different dropout masks.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
