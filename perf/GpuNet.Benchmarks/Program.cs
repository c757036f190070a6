using BenchmarkDotNet.Running;

// dotnet run -c Release --project perf/GpuNet.Benchmarks -- --filter '*Gemm*'   (or '*TrainingStep*', or '*')
BenchmarkSwitcher.FromAssembly(typeof(GpuNet.Benchmarks.GemmBenchmarks).Assembly).Run(args);
