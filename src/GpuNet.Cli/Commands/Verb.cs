namespace GpuNet.Cli.Commands;

/// <summary>How every verb is put together: its name and description, its options, and the action that runs it.</summary>
internal static class Verb
{
    public static Command Create(string name, string description, IEnumerable<Option> options, Func<ParseResult, int> action)
    {
        var command = new Command(name, description);
        foreach (var option in options) command.Options.Add(option);
        command.SetAction(action);
        return command;
    }
}
