using Spectre.Console;
using Spectre.Console.Rendering;

namespace GpuNet.Cli.Display;

/// <summary>
/// A progress column showing text that the training thread publishes for each task, at a fixed
/// width so the columns after it do not jump as the figures change.
/// </summary>
internal sealed class TextColumn(int width, Justify alignment, Func<ProgressTask, string> text) : ProgressColumn
{
    protected override bool NoWrap => true;

    public override int? GetColumnWidth(RenderOptions options) => width;

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(text(task)) { Justification = alignment, Overflow = Overflow.Ellipsis };
}
