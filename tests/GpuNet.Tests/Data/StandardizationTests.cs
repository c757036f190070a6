using GpuNet.Tests.Checkpoints;

namespace GpuNet.Tests.Data;

public sealed class StandardizationTests
{
    private static Dataset Table(float[] features, int featureCount) =>
        new("t", features, new int[features.Length / featureCount], featureCount, 2);

    [Fact]
    public void Fit_gives_the_population_mean_and_deviation_of_each_column_and_scale_1_for_a_constant_one()
    {
        // Columns: 1, 2, 3, 4 (mean 2.5, σ √1.25); 0.1 four times (constant, whose float64 mean rounds); 10, 10, 30, 30 (mean 20, σ 10).
        var data = Table([1, 0.1f, 10, 2, 0.1f, 10, 3, 0.1f, 30, 4, 0.1f, 30], 3);

        var z = Standardization.Fit(data);

        Assert.Equal([2.5f, 0.1f, 20f], z.Mean);
        Assert.Equal([(float)Math.Sqrt(1.25), 1f, 10f], z.Scale);
    }

    [Fact]
    public void Apply_computes_the_z_score_in_float32_row_by_row()
    {
        var z = new Standardization([1f, -2f], [2f, 0.5f]);
        float[] rows = [3, -2, -1, 0];

        z.Apply(rows);

        Assert.Equal([1f, 0f, -1f, 4f], rows);
        Assert.Throws<ArgumentException>(() => z.Apply(new float[3]));
    }

    [Theory]
    [InlineData(StandardizeMode.Auto, "table.csv", true)]
    [InlineData(StandardizeMode.Auto, "fashion-mnist", false)]
    [InlineData(StandardizeMode.Auto, "spirals", false)]
    [InlineData(StandardizeMode.On, "fashion-mnist", true)]
    [InlineData(StandardizeMode.Off, "table.csv", false)]
    public void Auto_is_on_for_files_and_off_for_images_and_synthetic_sets(StandardizeMode mode, string source, bool expected) =>
        Assert.Equal(expected, Standardization.Applies(mode, source));

    [Fact]
    public void Scale_spread_names_the_widest_and_narrowest_varying_columns()
    {
        // σ: 0.5 (col 0), 0 (col 1, ignored), 500 (col 2).
        var data = Table([0, 7, 0, 1, 7, 1000], 3);

        var spread = Standardization.ScaleSpread(data);

        Assert.Equal(1000, spread.Ratio, 9);
        Assert.Equal((2, 0), (spread.Widest, spread.Narrowest));
    }
}

public sealed class StandardizationCheckpointTests : IDisposable
{
    private readonly TestSupport.TempDirectory _dir = new();

    [Fact]
    public void A_checkpoint_keeps_its_standardisation_bit_for_bit_and_refuses_a_half_or_bad_one()
    {
        var plain = CheckpointSamples.Mlp();
        var z = new Standardization([0.1f, -3e-7f, 2500.25f, float.Epsilon], [1f, 1e-3f, 812.5f, 0.3f]);
        var checkpoint = new ModelCheckpoint(plain.Spec, plain.Parameters, plain.Preprocessing, plain.ClassNames, plain.Epoch, plain.Step,
            standardization: z);
        string path = Path.Combine(_dir.Path, "z.safetensors");
        checkpoint.Save(path);

        var loaded = ModelCheckpoint.Load(path);

        Assert.Equal(z.Mean, loaded.Standardization!.Mean);
        Assert.Equal(z.Scale, loaded.Standardization.Scale);
        Assert.Null(ModelCheckpoint.Load(SavePlain(plain)).Standardization);
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint(plain.Spec, plain.Parameters, plain.Preprocessing, plain.ClassNames, 0, 0,
            standardization: new Standardization([0f], [1f])));
    }

    private string SavePlain(ModelCheckpoint checkpoint)
    {
        string path = Path.Combine(_dir.Path, "plain.safetensors");
        checkpoint.Save(path);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
