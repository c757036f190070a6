namespace GpuNet.Backends.Cpu;

// CONTRACT STUB: replaced by the managed SIMD backend.
public sealed class CpuBackend
{
}
