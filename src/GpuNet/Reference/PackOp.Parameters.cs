using GpuNet.Backends;
using GpuNet.Kernels;

namespace GpuNet.Reference;

/// <summary>The pack ops over the flat parameter buffer: clipping's factors and the optimiser update.</summary>
public static partial class PackOp
{
    /// <summary>
    /// Each member's clip_grad_norm_ factor over its own segments (the solo op's over its own flat buffer), 1 exactly for a
    /// member that does not clip or whose norm stays below its bound. The gaps between segments hold NaN: they must not count.
    /// </summary>
    private static void CheckClipScale(IBackend backend, PackTables pack, PackCaseLayout layout, Random rng, OpWorst worst)
    {
        float[] g = WithGaps(layout, Random(rng, layout.ParameterCount, 1));
        using var gradients = new PlacedBuffer(backend, g);
        using var scales = new PlacedBuffer(backend, Nans(layout.Members.Length));
        backend.PackClipScale(pack, gradients.View, scales.View);

        var (want, scale) = (new double[layout.Members.Length], new double[layout.Members.Length]);
        for (int m = 0; m < want.Length; m++)
        {
            var own = layout.SegmentsOf(m).SelectMany(s => g[s.Start..(s.Start + s.Length)]).Select(v => (double)v).ToArray();
            float clip = layout.Members[m].ClipNorm;
            want[m] = clip > 0f ? ReferenceOps.ClipScale(own, own.Length, clip) : 1;
            scale[m] = want[m] == 1 ? 0 : 1;
        }
        worst.Add("scales", scales, backend, want, scale);
    }

    /// <summary>
    /// One step of every member over its segments with its scalars: the solo SGD or Adam reference on each segment, the raw
    /// gradient scaled by the member's clipping factor when it clips (a non-clipping member's factor is NaN: it must not be
    /// read). A frozen member's parameters and states, the gaps, and a state the member's optimiser does not use keep their bits.
    /// A pack whose steps need no state gets none.
    /// </summary>
    private static void CheckUpdate(IBackend backend, PackTables pack, PackCaseLayout layout, Random rng, OpWorst worst)
    {
        int n = layout.ParameterCount;
        float[] w = WithGaps(layout, Random(rng, n, 1)), g = WithGaps(layout, Random(rng, n, 1));
        float[] s1 = Random(rng, n, 0.1), s2 = Array.ConvertAll(Random(rng, n, 0.1), v => v * v);
        var factors = new float[layout.Members.Length];
        for (int m = 0; m < factors.Length; m++)
            factors[m] = layout.Members[m].ClipNorm > 0f ? 0.375f + 0.125f * m : float.NaN;
        using var parameters = new PlacedBuffer(backend, w);
        using var gradients = new PlacedBuffer(backend, g);
        using var state1 = pack.UsesState1 ? new PlacedBuffer(backend, s1) : null;
        using var state2 = pack.UsesState2 ? new PlacedBuffer(backend, s2) : null;
        using var scales = pack.Clips ? new PlacedBuffer(backend, factors) : null;
        backend.PackUpdate(pack, parameters.View, gradients.View, state1?.View, state2?.View, PackCaseLayout.StepRow, scales?.View);

        var (wantW, wantS1, wantS2) = (ToDouble(w), ToDouble(s1), ToDouble(s2));
        var (scaleW, scaleS1, scaleS2) = (new double[n], new double[n], new double[n]);
        for (int m = 0; m < layout.Members.Length; m++)
        {
            var optimizer = layout.Case.Members[m].Optimizer;
            double factor = layout.Members[m].ClipNorm > 0f ? factors[m] : 1;
            foreach (var (start, length) in layout.SegmentsOf(m))
            {
                var (ws, gs, m1, m2) = (wantW[start..(start + length)], ToDouble(g[start..(start + length)]), wantS1[start..(start + length)], wantS2[start..(start + length)]);
                if (optimizer == PackOptimizer.Sgd)
                    ReferenceOps.SgdUpdate(ws, gs, m1, length, layout.Sgd(m), factor);
                else if (optimizer == PackOptimizer.Adam)
                    ReferenceOps.AdamUpdate(ws, gs, m1, m2, length, layout.Adam(m), factor);
                else
                    continue;
                ws.CopyTo(wantW, start);
                m1.CopyTo(wantS1, start);
                m2.CopyTo(wantS2, start);
                ErrorBound.ElementScale(ws).CopyTo(scaleW, start);
                if (optimizer == PackOptimizer.Adam || layout.Case.Members[m].Momentum != 0f)
                    ErrorBound.ElementScale(m1).CopyTo(scaleS1, start);
                if (optimizer == PackOptimizer.Adam)
                    ErrorBound.ElementScale(m2).CopyTo(scaleS2, start);
            }
        }
        worst.Add("parameters", parameters, backend, wantW, scaleW);
        if (state1 is not null) worst.Add("state1", state1, backend, wantS1, scaleS1);
        if (state2 is not null) worst.Add("state2", state2, backend, wantS2, scaleS2);
    }

    /// <summary><paramref name="x"/> with NaN in every parameter no segment owns.</summary>
    private static float[] WithGaps(PackCaseLayout layout, float[] x)
    {
        var owned = new bool[x.Length];
        foreach (var s in layout.Segments)
            Array.Fill(owned, true, s.Start, s.Length);
        for (int i = 0; i < x.Length; i++)
            if (!owned[i]) x[i] = float.NaN;
        return x;
    }
}
