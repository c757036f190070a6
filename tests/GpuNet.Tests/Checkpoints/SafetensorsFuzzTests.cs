using System.Buffers.Binary;
using System.Diagnostics;
using GpuNet.Tests.Data;

namespace GpuNet.Tests.Checkpoints;

/// <summary>
/// Seeded mutations of valid safetensors files (bit flips, truncations, inserted and duplicated bytes, huge
/// 32-bit sizes, and huge 64-bit header lengths): reading may only succeed or throw a one-line
/// <see cref="DataException"/>. A fixed number of cases, never a time budget, so a loaded machine cannot
/// make it check less; the time they took is written to the test output.
/// </summary>
public sealed class SafetensorsFuzzTests
{
    private const int Cases = 10_000;
    private static readonly ulong[] HugeLengths = [ulong.MaxValue, 1UL << 63, 1UL << 40, 100_000_001, 0x7FFF_FFFF, 0];

    [Fact]
    public void Checkpoint_reading_only_throws_data_exceptions()
    {
        var model = CheckpointSamples.Mlp();
        byte[] checkpoint = SafetensorsBytes.Save(s => SafetensorsFile.Write(s, model.Parameters, Metadata(model)));
        // Files without a checksum reach the header and layout checks behind a mutation instead of stopping at the checksum.
        byte[] plain = SafetensorsBytes.Build(
            """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[3],"data_offsets":[16,28]}}   """,
            SafetensorsBytes.Floats(1, 2, 3, 4, 5, 6, 7));
        byte[][] seeds = [checkpoint, plain];
        var mutator = new Mutator(seed: 7, alphabet: Enumerable.Range(0, 256).Select(b => (byte)b).ToArray());
        var random = new SeededRandom(8);

        var clock = Stopwatch.StartNew();
        int cases = 0, rejected = 0;
        while (cases < Cases)
        {
            byte[] input = mutator.Mutate(seeds[cases % seeds.Length]);
            if (cases % 7 == 0 && input.Length >= 8)
                BinaryPrimitives.WriteUInt64LittleEndian(input, HugeLengths[random.NextInt(HugeLengths.Length)]);
            cases++;
            try
            {
                var content = SafetensorsFile.Read(new MemoryStream(input), "fuzz.safetensors");
                if (content.Checksum is not null) ModelCheckpoint.FromContent(content, "fuzz.safetensors");
            }
            catch (DataException e)
            {
                rejected++;
                Assert.DoesNotContain('\n', e.Message);
                Assert.StartsWith("fuzz.safetensors: ", e.Message);
            }
            catch (Exception e)
            {
                Assert.Fail($"case {cases}: {e.GetType().Name} escaped: {e.Message}\ninput: {Convert.ToHexString(input)}");
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"safetensors: {cases} fuzz cases in {clock.ElapsedMilliseconds} ms, {rejected} rejected with DataException, none escaped");
        Assert.InRange(rejected, cases / 2, cases - 1); // mostly broken, yet some damage (a flipped bit in "plain"'s data) still reads
    }

    private static Dictionary<string, string> Metadata(ModelCheckpoint model)
    {
        using var dir = new TestSupport.TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        model.Save(path);
        return new Dictionary<string, string>(SafetensorsFile.Load(path).Metadata);
    }
}
