namespace GpuNet.Cli;

public static class Program
{
    public static int Main(string[] args) => GpuNetCli.Run(args, Console.Out, Console.Error);
}
