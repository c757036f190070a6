namespace GpuNet.Cli.Commands;

/// <summary>
/// --checkpoint FILE, the saved model eval, predict and export read. In train, bench and gradcheck --model names a
/// model kind; these verbs once took the file as --model too, so that old spelling still parses, hidden, and
/// answers with a usage error that points to --checkpoint instead of "unrecognized".
/// </summary>
internal static class CheckpointOption
{
    public const string Name = "--checkpoint";
    private const string RetiredName = "--model";

    public static Option<string> Create(string description)
    {
        var option = new Option<string>(Name) { Description = description, Required = true };
        option.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
                result.AddError($"{Name} needs a checkpoint file (got an empty name)");
        });
        return option;
    }

    /// <summary>The old spelling: any use of it, with a value or without, is the usage error.</summary>
    public static Option<string?> Retired()
    {
        var option = new Option<string?>(RetiredName) { Hidden = true, Arity = ArgumentArity.ZeroOrOne };
        option.Validators.Add(result =>
            result.AddError($"{RetiredName} is now {Name}: give the checkpoint file with {Name} FILE ({RetiredName} names a model kind in train, bench and gradcheck)"));
        return option;
    }
}
