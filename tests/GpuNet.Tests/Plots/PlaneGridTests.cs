using GpuNet.Cli.Plots;

namespace GpuNet.Tests.Plots;

public sealed class PlaneGridTests
{
    [Fact]
    public void The_square_around_the_data_holds_every_point_with_a_margin()
    {
        var set = new Dataset("points", [0, 0, 4, 1, 2, -1], [0, 1, 0], 2, 2);

        var (xMin, xMax, yMin, yMax) = PlaneGrid.SquareAround([set]);

        Assert.Equal(xMax - xMin, yMax - yMin, 9);         // square
        Assert.Equal(4 * (1 + 2 * PlaneGrid.Margin), xMax - xMin, 9); // the larger extent (x: 0..4) plus margins
        Assert.Equal((2.0, 0.0), ((xMin + xMax) / 2, (yMin + yMax) / 2)); // centred on the data
    }

    [Fact]
    public void Centres_run_row_by_row_from_the_top_left()
    {
        var grid = PlaneGrid.Over(0, 4, 0, 2, resolution: 4); // 4 × 2 cells of 1 × 1

        Assert.Equal((4, 2), (grid.Columns, grid.Rows));
        var centres = grid.Centres();
        Assert.Equal(16, centres.Length);
        Assert.Equal([0.5f, 1.5f], centres[..2]);   // row 0, column 0: top left
        Assert.Equal([3.5f, 1.5f], centres[6..8]);  // row 0, column 3: top right
        Assert.Equal([0.5f, 0.5f], centres[8..10]); // row 1, column 0
    }
}
