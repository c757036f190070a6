using System.Numerics;
using GpuNet.Kernels;

namespace GpuNet.Backends.Cpu;

/// <summary>
/// One activation as a struct, so the loops in <see cref="CpuElementwise"/> are compiled once per
/// activation with no per-element switch. Derivatives are written from the output y = f(z).
/// Sigmoid and tanh have no vector forward, only a vector derivative: their forward is the kernels' own scalar
/// function (<see cref="ActivationKernels"/>), so every backend computes one sigmoid and one tanh.
/// </summary>
internal interface IActivationFunction
{
    static abstract bool HasVectorForward { get; }
    static abstract float Forward(float z);
    static abstract Vector<float> Forward(Vector<float> z);
    static abstract Vector<float> Derivative(Vector<float> y);
    static abstract float Derivative(float y);
}

internal struct IdentityFunction : IActivationFunction
{
    public static bool HasVectorForward => true;
    public static float Forward(float z) => z;
    public static Vector<float> Forward(Vector<float> z) => z;
    public static float Derivative(float y) => 1f;
    public static Vector<float> Derivative(Vector<float> y) => Vector<float>.One;
}

internal struct ReluFunction : IActivationFunction
{
    public static bool HasVectorForward => true;
    public static float Forward(float z) => z > 0f ? z : 0f;
    public static Vector<float> Forward(Vector<float> z) => Vector.ConditionalSelect(Vector.GreaterThan(z, Vector<float>.Zero), z, Vector<float>.Zero);
    public static float Derivative(float y) => y > 0f ? 1f : 0f;
    public static Vector<float> Derivative(Vector<float> y) => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
}

internal struct SigmoidFunction : IActivationFunction
{
    public static bool HasVectorForward => false;
    public static float Forward(float z) => ActivationKernels.Sigmoid(z);
    public static Vector<float> Forward(Vector<float> z) => throw new NotSupportedException();
    public static float Derivative(float y) => y * (1f - y);
    public static Vector<float> Derivative(Vector<float> y) => y * (Vector<float>.One - y);
}

internal struct TanhFunction : IActivationFunction
{
    public static bool HasVectorForward => false;
    public static float Forward(float z) => ActivationKernels.Tanh(z);
    public static Vector<float> Forward(Vector<float> z) => throw new NotSupportedException();
    public static float Derivative(float y) => 1f - y * y;
    public static Vector<float> Derivative(Vector<float> y) => Vector<float>.One - y * y;
}
