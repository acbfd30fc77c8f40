// Runs train on the process-wide libtorch and these 2 cores; tests that start apps and runs go one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
