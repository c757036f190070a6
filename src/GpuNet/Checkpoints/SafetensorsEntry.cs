namespace GpuNet.Checkpoints;

/// <summary>
/// One tensor's line in a safetensors header: its name, dtype, shape, and the byte range
/// [Begin, End) it occupies, relative to the start of the data section.
/// </summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}

/// <summary>What a safetensors file holds, once read and verified.</summary>
/// <param name="Metadata">The header's __metadata__ pairs, without the checksum pair.</param>
/// <param name="Checksum">The <see cref="SafetensorsFile.ChecksumKey"/> value the file carried (already verified), or null when it had none.</param>
public sealed record SafetensorsContent(IReadOnlyList<Nn.NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata, string? Checksum)
{
    public Nn.NamedTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>The tensors that were stored in another dtype than F32 (F16, BF16, F64) and converted on load.</summary>
    public IReadOnlyList<(string Name, string DType)> Converted { get; init; } = [];
}
