using System.Diagnostics;
using System.Text;

namespace GpuNet.Tests.Data;

/// <summary>
/// Seeded mutations of valid IDX and CSV inputs: whatever the damage, the readers may only succeed or
/// throw <see cref="DataException"/>; any other exception would reach the user as a crash with a stack trace.
/// Each run tries a fixed number of cases, never a time budget: a loaded machine must not make it
/// check less, and a failing case number reproduces. It reports the time the cases took.
/// </summary>
public sealed class DataFuzzTests
{
    private const int Cases = 10_000;

    /// <summary>
    /// Runs <paramref name="attempt"/> (mutated input, case number) on <see cref="Cases"/> mutations of the
    /// seeds in turn; returns (cases, rejected as DataException).
    /// </summary>
    private static (int Cases, int Rejected) Fuzz(string what, byte[][] seeds, Mutator mutator, Action<byte[], int> attempt)
    {
        var clock = Stopwatch.StartNew();
        int cases = 0, rejected = 0;
        while (cases < Cases)
        {
            byte[] input = mutator.Mutate(seeds[cases % seeds.Length]);
            try
            {
                attempt(input, cases++);
            }
            catch (DataException e)
            {
                rejected++;
                Assert.DoesNotContain('\n', e.Message);
            }
            catch (Exception e)
            {
                Assert.Fail($"{what} case {cases}: {e.GetType().Name} escaped: {e.Message}\ninput: {Convert.ToHexString(input)}");
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: {cases} fuzz cases in {clock.ElapsedMilliseconds} ms, {rejected} rejected with DataException");
        return (cases, rejected);
    }

    [Fact]
    public void Idx_reader_only_throws_data_exceptions()
    {
        byte[] images = IdxTestFiles.Images(4, 3, 3), labels = IdxTestFiles.Labels(4);
        // Mutating the gzip bytes exercises the decompressor; gzipping mutated raw bytes exercises the header checks behind it.
        byte[][] seeds = [images, labels, IdxTestFiles.Gzip(images), IdxTestFiles.Gzip(labels)];
        var mutator = new Mutator(seed: 1, alphabet: Enumerable.Range(0, 256).Select(b => (byte)b).ToArray());
        (int cases, int rejected) = Fuzz("IDX", seeds, mutator, (input, n) =>
        {
            if (n % 5 == 0) input = IdxTestFiles.Gzip(input);
            if (n % 2 == 0) IdxReader.ReadImages(new MemoryStream(input), "images"); // seeds alternate images, labels
            else IdxReader.ReadLabels(new MemoryStream(input), "labels", 10);
        });
        Assert.InRange(rejected, cases / 2, cases - 1); // mostly broken, yet some damage (a flipped pixel) is still a valid file
    }

    [Fact]
    public void Idx_pairs_only_throw_data_exceptions()
    {
        byte[] labels = IdxTestFiles.Labels(4);
        var mutator = new Mutator(seed: 2, alphabet: [0, 1, 4, 9, 10, 255]);
        Fuzz("IDX pairs", [labels], mutator, (input, _) =>
            IdxReader.ReadDataset("x", new MemoryStream(IdxTestFiles.Images(4, 2, 2)), "images", new MemoryStream(input), "labels",
                DatasetCatalog.ClassNames("mnist")));
    }

    [Fact]
    public void Csv_reader_only_throws_data_exceptions()
    {
        string[] texts =
        [
            "label,x,y\n0,1.5,-2\n1,3e2,4\n2,0.001,7\n",
            "1;2;3\n0;4;5\n\n1;6;7\n",
            "\"a\"\t\"b\"\n0\t1\n1\t2\n",
        ];
        byte[][] seeds = texts.Select(Encoding.UTF8.GetBytes).ToArray();
        var mutator = new Mutator(seed: 3, alphabet: Encoding.UTF8.GetBytes(",;\t\n\r\"-+.eE0123456789 NaInfity\u00e9"));
        CsvFormat[] formats = [new(), new(-1), new(1, true), new(0, false), new(5)];
        (int cases, int rejected) = Fuzz("CSV", seeds, mutator, (input, n) =>
        {
            var reader = new StreamReader(new MemoryStream(input), Encoding.UTF8);
            CsvTable table = CsvReader.Read(reader, "fuzz.csv", formats[n / seeds.Length % formats.Length]);
            Assert.Equal(table.Count * table.FeatureCount, table.Features.Length);
            Assert.All(table.Features, v => Assert.True(float.IsFinite(v)));
        });
        Assert.InRange(rejected, 1, cases - 1); // both paths reached: some damage is rejected, some still parses
    }

    /// <summary>
    /// Mutated .npy files: the header validator sees every case in memory; a case it accepts is written out and read
    /// through the mapping as features or labels, which must then hold exactly what the header promised.
    /// </summary>
    [Fact]
    public void Npy_reader_only_throws_data_exceptions()
    {
        byte[][] seeds =
        [
            NpyTestFiles.Build("|u1", "(4, 3)", Enumerable.Range(0, 12).Select(i => (byte)i).ToArray()),
            NpyTestFiles.Build("<f4", "(2, 2)", NpyTestFiles.Floats(1, -2, 3.5f, 4), major: 2),
            NpyTestFiles.Build("<i8", "(3,)", NpyTestFiles.Longs(0, 2, 1), major: 3),
            NpyTestFiles.Build("<f2", "(3, 1)", NpyTestFiles.Halves(0.5f, 1, 2)),
        ];
        var mutator = new Mutator(seed: 4, alphabet: Encoding.ASCII.GetBytes("{}()[],:'\" <>|=uifcb012345678 TrueFalsdhp\n").Append((byte)0x93).ToArray());
        using var dir = new TempDirectory();
        int mapped = 0;
        (int cases, int rejected) = Fuzz(".npy", seeds, mutator, (input, n) =>
        {
            var header = NpyHeader.Read(new MemoryStream(input), "fuzz.npy");
            string path = dir.Write($"case{n % 8}.npy", input);
            mapped++;
            if (header.Shape.Length == 1)
            {
                using var labels = NpyFile.OpenLabels(path);
                Assert.Equal(header.Shape[0], labels.ReadLabels(classCount: null).Count);
                return;
            }
            using var features = NpyFile.OpenFeatures(path);
            var data = features.ReadFeatures("fuzz", Enumerable.Range(0, features.Rows).ToArray(), new int[features.Rows], 2, ["0", "1"]);
            Assert.Equal(header.Elements, data.Bytes?.LongLength ?? data.Floats!.LongLength);
        });
        TestContext.Current.TestOutputHelper?.WriteLine($".npy: {mapped} accepted headers mapped and read");
        Assert.InRange(rejected, cases / 2, cases - 1);
        Assert.InRange(mapped, 1, cases - 1);
    }
}
